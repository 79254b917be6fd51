/// One RESP2 reply, copied out of hiredis' reply tree so no C memory outlives the call.
///
/// Contract: bulk strings are decoded as UTF-8 with invalid bytes replaced (the agent only
/// reads metadata, never values, so nothing binary is expected); `error` holds the server's
/// error line without the leading `-`, e.g. `NOPERM this user has no permissions ...`.
enum RedisReply: Equatable, Sendable {
    case status(String)
    case error(String)
    case string(String)
    case integer(Int64)
    case array([RedisReply])
    case null

    /// The text of a status or bulk-string reply, or an integer written in decimal.
    var text: String? {
        switch self {
        case .status(let text), .string(let text): text
        case .integer(let value): String(value)
        case .error, .array, .null: nil
        }
    }

    /// The elements of an array reply.
    var elements: [RedisReply]? {
        if case .array(let elements) = self { elements } else { nil }
    }

    /// The integer of an integer reply, or of a status or bulk string holding one.
    var integer: Int64? {
        switch self {
        case .integer(let value): value
        case .status(let text), .string(let text): Int64(text)
        case .error, .array, .null: nil
        }
    }

    /// The error line, when this is an error reply.
    var errorMessage: String? {
        if case .error(let message) = self { message } else { nil }
    }
}
