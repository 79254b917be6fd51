import CHiredis
import Foundation

/// The one owner of a hiredis blocking `redisContext`.
///
/// Contract: every command goes out through `redisCommandArgv`, one RESP argument per Swift
/// string, so arguments are binary-safe and no command text is ever assembled (a password in
/// `AUTH` is never part of a formatted string). The connection is blocking and used from one
/// thread at a time. A reply that is a Redis error (`-ERR ...`) is returned as
/// `RedisReply.error`; only transport failures throw, and after one the connection is closed
/// (hiredis cannot reuse a context once `err` is set). `close()` is idempotent and runs on
/// `deinit`. No raw pointer leaves this file.
final class RedisConnection {
    let host: String
    let port: Int
    private var context: UnsafeMutablePointer<redisContext>?

    /// Whether the connection is open.
    var isOpen: Bool { context != nil }

    /// Connects to `host:port`, waiting at most `connectTimeout`.
    init(host: String, port: Int, connectTimeout: Duration) throws(RedisConnectionError) {
        self.host = host
        self.port = port
        guard let context = redisConnectWithTimeout(host, Int32(port), Self.makeTimeval(connectTimeout)) else {
            throw .connect("out of memory while creating the connection")
        }
        if context.pointee.err != 0 {
            let message = Self.errorText(context)
            redisFree(context)
            throw .connect(message)
        }
        self.context = context
    }

    deinit { close() }

    /// Sets how long a command may wait for its reply before the connection gives up on it.
    func setCommandTimeout(_ timeout: Duration) {
        guard let context else { return }
        // redisSetTimeout only fails when setsockopt does, which leaves the previous timeout.
        _ = redisSetTimeout(context, Self.makeTimeval(timeout))
    }

    /// Sends one command and waits for its reply.
    func command(_ arguments: [String]) throws(RedisConnectionError) -> RedisReply {
        guard let context else { throw .closed }
        // Each argument gets its own C buffer, zeroed before it is freed: one of them may be
        // the AUTH password.
        let buffers = arguments.map { argument -> UnsafeMutableBufferPointer<CChar> in
            let bytes = Array(argument.utf8)
            let buffer = UnsafeMutableBufferPointer<CChar>.allocate(capacity: max(bytes.count, 1))
            buffer.initialize(repeating: 0)
            for (index, byte) in bytes.enumerated() { buffer[index] = CChar(bitPattern: byte) }
            return buffer
        }
        defer {
            for buffer in buffers {
                buffer.update(repeating: 0)
                buffer.deallocate()
            }
        }
        var argv: [UnsafePointer<CChar>?] = buffers.map { UnsafePointer($0.baseAddress) }
        let lengths: [Int] = arguments.map { $0.utf8.count }
        let raw = argv.withUnsafeMutableBufferPointer { argvBuffer in
            lengths.withUnsafeBufferPointer { lengthBuffer in
                redisCommandArgv(context, Int32(arguments.count), argvBuffer.baseAddress, lengthBuffer.baseAddress)
            }
        }
        return try takeReply(raw)
    }

    /// Waits for the next reply without sending anything (used after `MONITOR`, in tests).
    func nextReply() throws(RedisConnectionError) -> RedisReply {
        guard let context else { throw .closed }
        var raw: UnsafeMutableRawPointer?
        if redisGetReply(context, &raw) != REDIS_OK {
            raw = nil
        }
        return try takeReply(raw)
    }

    /// Closes the connection (idempotent).
    func close() {
        if let context {
            redisFree(context)
            self.context = nil
        }
    }

    // MARK: - Private

    private func takeReply(_ raw: UnsafeMutableRawPointer?) throws(RedisConnectionError) -> RedisReply {
        // errno first: anything below may overwrite it.
        let savedErrno = errno
        guard let raw else {
            let failure = transportFailure(errno: savedErrno)
            close()
            throw failure
        }
        defer { freeReplyObject(raw) }
        return Self.convert(raw.assumingMemoryBound(to: redisReply.self))
    }

    private func transportFailure(errno savedErrno: Int32) -> RedisConnectionError {
        guard let context else { return .closed }
        let message = Self.errorText(context)
        // A blocking socket with SO_RCVTIMEO reports an expired timeout as EAGAIN, which
        // hiredis turns into REDIS_ERR_IO "Resource temporarily unavailable".
        let timedOut =
            context.pointee.err == REDIS_ERR_IO
            && (savedErrno == EAGAIN || savedErrno == EWOULDBLOCK || savedErrno == ETIMEDOUT)
        if context.pointee.err == REDIS_ERR_EOF {
            return .io("the server closed the connection", timedOut: false)
        }
        return .io(message, timedOut: timedOut)
    }

    private static func convert(_ reply: UnsafeMutablePointer<redisReply>) -> RedisReply {
        let node = reply.pointee
        switch node.type {
        case REDIS_REPLY_STATUS: return .status(text(node))
        case REDIS_REPLY_ERROR: return .error(text(node))
        case REDIS_REPLY_STRING: return .string(text(node))
        case REDIS_REPLY_INTEGER: return .integer(node.integer)
        case REDIS_REPLY_ARRAY:
            var children: [RedisReply] = []
            children.reserveCapacity(node.elements)
            for index in 0..<node.elements {
                if let child = logstag_redis_reply_element(reply, index) {
                    children.append(convert(child))
                } else {
                    children.append(.null)
                }
            }
            return .array(children)
        default: return .null
        }
    }

    private static func text(_ node: redisReply) -> String {
        guard let start = node.str, node.len > 0 else { return "" }
        let bytes = UnsafeRawBufferPointer(start: start, count: node.len)
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func errorText(_ context: UnsafeMutablePointer<redisContext>) -> String {
        let text = String(cString: logstag_redis_errstr(context))
        return text.isEmpty ? "unknown connection error" : text
    }

    private static func makeTimeval(_ duration: Duration) -> timeval {
        let (seconds, attoseconds) = duration.components
        return timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
    }
}
