import CCurl
import Foundation
import Synchronization

/// `HTTPTransport` over libcurl: how the agent (and setup) talk to the Logstag server.
///
/// Contract:
/// - HTTPS always verifies the server certificate and host name (against the system store, or
///   only against `caFile` when one is configured); there is no switch to turn this off.
///   TLS 1.2 is the minimum. A verification failure is a `TransportError` with
///   `isTLSVerification == true` whose message names the `server_ca_file` option.
/// - Only `http` and `https` URLs; redirects are never followed (a 3xx answer is returned as
///   it is), so a POST body never travels to another address.
/// - Connect timeout 10 s; `request.timeout` bounds the whole exchange. No signals are used
///   (`CURLOPT_NOSIGNAL`), so it is safe in a multi-threaded process.
/// - Response header names are lowercased; a repeated header's values are joined with ", ".
///   The body is capped at `maxResponseBytes`; a longer answer is a `TransportError`.
/// - `send` blocks. Concurrent calls run in parallel on separate easy handles; idle handles
///   are kept (at most `maxIdleHandles`) so keep-alive connections are reused.
/// - Error messages name the server's origin (scheme, host, port) but never a header, a body,
///   a path or query, or URL credentials.
/// - Proxies: libcurl's usual `https_proxy` / `no_proxy` environment variables apply.
public final class CurlTransport: HTTPTransport {
    /// Largest response body accepted (8 MiB).
    public static let maxResponseBytes = 8 << 20
    /// Seconds allowed to establish the TCP and TLS connection.
    public static let connectTimeoutSeconds = 10.0
    /// Idle easy handles kept for reuse; more concurrent calls create (and free) extra ones.
    static let maxIdleHandles = 4

    /// CA bundle (PEM) used instead of the system store to verify the server (`server_ca_file`).
    public let caFile: String?
    public let userAgent: String

    private let idleHandles = Mutex<[EasyHandle]>([])

    /// libcurl's process-wide initialisation, run once before the first handle.
    private static let globalInit: CURLcode = lscurl_global_init()

    public init(caFile: String? = nil, userAgent: String = "logstag-agent") {
        self.caFile = caFile
        self.userAgent = userAgent
    }

    deinit {
        for handle in idleHandles.withLock({ $0 }) {
            curl_easy_cleanup(handle.pointer)
        }
    }

    public func send(_ request: HTTPRequest) throws(TransportError) -> HTTPResponse {
        let origin = Self.origin(of: request.url)
        guard Self.globalInit == CURLE_OK else {
            throw TransportError(message: "libcurl could not be initialised (\(Self.text(Self.globalInit))); the agent cannot reach \(origin).")
        }
        for (name, value) in request.headers where Self.hasLineBreak(name) || Self.hasLineBreak(value) {
            throw TransportError(message: "The request header \(Self.hasLineBreak(name) ? "name" : name) contains a line break; refusing to send it.")
        }
        let handle = try checkOut()
        defer { checkIn(handle) }
        return try perform(request, on: handle.pointer, origin: origin)
    }

    // MARK: - One exchange

    private func perform(_ request: HTTPRequest, on curl: UnsafeMutableRawPointer, origin: String) throws(TransportError) -> HTTPResponse {
        curl_easy_reset(curl)
        let collector = ResponseCollector(limit: Self.maxResponseBytes)
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer {
            curl_slist_free_all(headerList)
            errorBuffer.deallocate()
        }
        let context = Unmanaged.passUnretained(collector).toOpaque()

        try option(lscurl_setopt_string(curl, CURLOPT_URL, request.url), "URL", origin)
        try option(lscurl_restrict_to_http(curl), "protocols", origin)
        try option(lscurl_setopt_long(curl, CURLOPT_NOSIGNAL, 1), "NOSIGNAL", origin)
        try option(lscurl_setopt_long(curl, CURLOPT_FOLLOWLOCATION, 0), "FOLLOWLOCATION", origin)
        try option(lscurl_setopt_long(curl, CURLOPT_SSL_VERIFYPEER, 1), "SSL_VERIFYPEER", origin)
        try option(lscurl_setopt_long(curl, CURLOPT_SSL_VERIFYHOST, 2), "SSL_VERIFYHOST", origin)
        try option(lscurl_require_tls12(curl), "SSLVERSION", origin)
        if let caFile {
            try option(lscurl_setopt_string(curl, CURLOPT_CAINFO, caFile), "CAINFO", origin)
        }
        let timeoutMs = max(1, Int((request.timeout * 1000).rounded(.up)))
        try option(lscurl_setopt_long(curl, CURLOPT_TIMEOUT_MS, timeoutMs), "TIMEOUT_MS", origin)
        try option(lscurl_setopt_long(curl, CURLOPT_CONNECTTIMEOUT_MS, min(timeoutMs, Int(Self.connectTimeoutSeconds * 1000))), "CONNECTTIMEOUT_MS", origin)
        try option(lscurl_setopt_string(curl, CURLOPT_USERAGENT, userAgent), "USERAGENT", origin)
        try option(lscurl_setopt_pointer(curl, CURLOPT_ERRORBUFFER, errorBuffer), "ERRORBUFFER", origin)
        try option(lscurl_setopt_write_function(curl, CURLOPT_WRITEFUNCTION, collectBody), "WRITEFUNCTION", origin)
        try option(lscurl_setopt_pointer(curl, CURLOPT_WRITEDATA, context), "WRITEDATA", origin)
        try option(lscurl_setopt_write_function(curl, CURLOPT_HEADERFUNCTION, collectHeader), "HEADERFUNCTION", origin)
        try option(lscurl_setopt_pointer(curl, CURLOPT_HEADERDATA, context), "HEADERDATA", origin)

        for (name, value) in request.headers {
            headerList = curl_slist_append(headerList, "\(name): \(value)")
        }
        // No "Expect: 100-continue" round trip before large bodies.
        headerList = curl_slist_append(headerList, "Expect:")
        try option(lscurl_setopt_slist(curl, CURLOPT_HTTPHEADER, headerList), "HTTPHEADER", origin)

        let method = request.method.uppercased()
        switch method {
        case "GET" where request.body == nil:
            try option(lscurl_setopt_long(curl, CURLOPT_HTTPGET, 1), "HTTPGET", origin)
        case "POST":
            try option(lscurl_setopt_long(curl, CURLOPT_POST, 1), "POST", origin)
        case "HEAD":
            try option(lscurl_setopt_long(curl, CURLOPT_NOBODY, 1), "NOBODY", origin)
        default:
            try option(lscurl_setopt_string(curl, CURLOPT_CUSTOMREQUEST, method), "CUSTOMREQUEST", origin)
        }

        let body = method == "HEAD" ? nil : request.body ?? (method == "POST" ? Data() : nil)
        let code: CURLcode
        if let body {
            code = Self.withBodyPointer(body) { pointer, count in
                let set = lscurl_setopt_pointer(curl, CURLOPT_POSTFIELDS, pointer)
                guard set == CURLE_OK else { return set }
                let size = lscurl_setopt_off_t(curl, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(count))
                guard size == CURLE_OK else { return size }
                return curl_easy_perform(curl)
            }
        } else {
            code = curl_easy_perform(curl)
        }
        // The body pointer is only valid inside the closure above; make sure a reused handle
        // never points at it again.
        _ = lscurl_setopt_pointer(curl, CURLOPT_POSTFIELDS, nil)
        _ = lscurl_setopt_pointer(curl, CURLOPT_ERRORBUFFER, nil)

        guard code == CURLE_OK else {
            if collector.overflowed {
                throw TransportError(
                    message: "The answer from \(origin) is larger than \(Self.maxResponseBytes >> 20) MiB; the agent refuses it. Check that api_base_url points at the Logstag server.")
            }
            throw failure(code, detail: String(cString: errorBuffer), origin: origin, timeout: request.timeout)
        }
        var status = 0
        _ = lscurl_getinfo_long(curl, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResponse(status: status, headers: collector.headers, body: collector.body)
    }

    private func option(_ code: CURLcode, _ name: String, _ origin: String) throws(TransportError) {
        guard code != CURLE_OK else { return }
        throw TransportError(message: "libcurl refused the option \(name) (\(Self.text(code))) for a request to \(origin).")
    }

    /// Calls `body` with a pointer that stays valid during the call; an empty body still gets a
    /// non-null pointer (libcurl would otherwise read the body from stdin).
    private static func withBodyPointer(_ data: Data, _ body: (UnsafeMutableRawPointer, Int) -> CURLcode) -> CURLcode {
        if data.isEmpty {
            var empty: UInt8 = 0
            return withUnsafeMutableBytes(of: &empty) { body($0.baseAddress!, 0) }
        }
        // libcurl only reads CURLOPT_POSTFIELDS; the mutable pointer is what its C signature wants.
        return data.withUnsafeBytes { body(UnsafeMutableRawPointer(mutating: $0.baseAddress!), $0.count) }
    }

    // MARK: - Errors

    private func failure(_ code: CURLcode, detail: String, origin: String, timeout: Double) -> TransportError {
        let reason = detail.isEmpty ? Self.text(code) : detail
        switch code {
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_ISSUER_ERROR:
            let fix =
                if let caFile {
                    "The CA file in server_ca_file (\(caFile)) does not vouch for this certificate; point server_ca_file at the CA that signed the server's certificate (PEM)."
                } else {
                    "If the server uses a private or self-signed certificate, set server_ca_file in the [agent] section to the CA certificate (PEM) that signed it."
                }
            return TransportError(
                message: "The TLS certificate of \(origin) could not be verified (\(reason)). \(fix) Certificate verification cannot be switched off.",
                isTLSVerification: true)
        case CURLE_SSL_CACERT_BADFILE:
            return TransportError(
                message: "The CA file in server_ca_file (\(caFile ?? "system default")) could not be loaded (\(reason)). Check that it exists, is readable by the agent's user and holds PEM certificates.",
                isTLSVerification: true)
        case CURLE_COULDNT_RESOLVE_HOST:
            return TransportError(message: "The host name of \(origin) could not be resolved (\(reason)). Check api_base_url and the agent host's DNS settings.")
        case CURLE_COULDNT_CONNECT:
            return TransportError(
                message: "Could not connect to \(origin) (\(reason)). Check that the Logstag server is running and that the network allows this host to reach it.")
        case CURLE_OPERATION_TIMEDOUT:
            return TransportError(message: "The request to \(origin) timed out after \(Self.seconds(timeout)) (\(reason)).")
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            return TransportError(message: "The server address \(origin) is not a valid http(s) URL (\(reason)). Check api_base_url.")
        default:
            return TransportError(message: "The request to \(origin) failed: \(reason) (libcurl error \(code.rawValue)).")
        }
    }

    static func text(_ code: CURLcode) -> String {
        curl_easy_strerror(code).map { String(cString: $0) } ?? "libcurl error \(code.rawValue)"
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }

    /// `scheme://host:port` of a URL, without credentials, path or query (safe for messages).
    static func origin(of url: String) -> String {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host else {
            return "the configured server address"
        }
        let port = components.port.map { ":\($0)" } ?? ""
        let shownHost = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "\(scheme)://\(shownHost)\(port)"
    }

    static func hasLineBreak(_ text: String) -> Bool {
        text.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D || $0 == 0 })
    }

    // MARK: - Handle pool

    private func checkOut() throws(TransportError) -> EasyHandle {
        if let handle = idleHandles.withLock({ $0.popLast() }) {
            return handle
        }
        guard let pointer = curl_easy_init() else {
            throw TransportError(message: "libcurl could not create a request handle (out of memory?).")
        }
        return EasyHandle(pointer: pointer)
    }

    private func checkIn(_ handle: EasyHandle) {
        let kept = idleHandles.withLock { handles in
            guard handles.count < Self.maxIdleHandles else { return false }
            handles.append(handle)
            return true
        }
        if !kept { curl_easy_cleanup(handle.pointer) }
    }
}

/// A libcurl easy handle. Used by one thread at a time: the pool hands it out exclusively.
private struct EasyHandle: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer
}

/// Collects one answer's headers and body from libcurl's callbacks.
private final class ResponseCollector {
    let limit: Int
    var headers: [String: String] = [:]
    var body = Data()
    var overflowed = false

    init(limit: Int) { self.limit = limit }

    func appendBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard body.count + bytes.count <= limit else {
            overflowed = true
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }

    /// One raw header line, CRLF included. A status line starts a new header block (after a
    /// `100 Continue` or a redirect), so only the final answer's headers are kept.
    func appendHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        let line = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if line.hasPrefix("HTTP/") {
            headers = [:]
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { return }
        if let existing = headers[name] {
            headers[name] = existing + ", " + value
        } else {
            headers[name] = value
        }
    }
}

/// CURLOPT_WRITEFUNCTION: returning less than it was given makes libcurl abort the transfer.
private let collectBody: curl_write_callback = { buffer, size, count, context in
    let length = size * count
    guard let buffer, let context, length > 0 else { return length }
    let collector = Unmanaged<ResponseCollector>.fromOpaque(context).takeUnretainedValue()
    return collector.appendBody(UnsafeRawBufferPointer(start: buffer, count: length)) ? length : 0
}

/// CURLOPT_HEADERFUNCTION: called once per header line.
private let collectHeader: curl_write_callback = { buffer, size, count, context in
    let length = size * count
    guard let buffer, let context, length > 0 else { return length }
    let collector = Unmanaged<ResponseCollector>.fromOpaque(context).takeUnretainedValue()
    collector.appendHeaderLine(UnsafeRawBufferPointer(start: buffer, count: length))
    return length
}
