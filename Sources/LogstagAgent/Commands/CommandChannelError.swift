/// Why a command poll or a result post failed.
///
/// Contract: `message` is a full sentence without secrets; `retryAfter` is the server's
/// `Retry-After` in seconds when it sent one.
public struct CommandChannelError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// 401/403: the agent key was rejected.
        case credentialsRejected
        /// The server's certificate could not be verified.
        case tlsVerification
        /// No answer: DNS, refused connection, timeout.
        case transport
        /// Any other answer (4xx, 5xx, a body that is not a command list).
        case unexpectedAnswer
    }

    public var kind: Kind
    public var message: String
    public var retryAfter: Double?

    public init(kind: Kind, message: String, retryAfter: Double? = nil) {
        self.kind = kind
        self.message = message
        self.retryAfter = retryAfter
    }

    public var description: String { message }
}
