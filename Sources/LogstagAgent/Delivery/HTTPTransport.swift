import Foundation

/// One HTTP request from the agent (or setup) to the Logstag server.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(String, String)]
    public var body: Data?
    /// Whole-request timeout in seconds (a long-poll sets it above its `wait`).
    public var timeout: Double

    public init(method: String, url: String, headers: [(String, String)] = [], body: Data? = nil, timeout: Double = 30) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

/// The server's answer.
///
/// Contract: header names are lowercased.
public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// A transport failure: no HTTP answer at all (DNS, refused, TLS verification, timeout).
///
/// Contract: `message` never contains request headers or bodies.
public struct TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// True when the failure was certificate verification (retrying will not help).
    public var isTLSVerification: Bool

    public init(message: String, isTLSVerification: Bool = false) {
        self.message = message
        self.isTLSVerification = isTLSVerification
    }

    public var description: String { message }
}

/// Sends one request and waits for the answer (blocking; call it off the cooperative pool).
///
/// Contract: HTTPS always verifies the server certificate against the system store or the
/// configured CA file; there is no switch to skip verification.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) throws(TransportError) -> HTTPResponse
}
