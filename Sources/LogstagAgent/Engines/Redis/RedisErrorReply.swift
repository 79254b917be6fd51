import Foundation

/// What a Redis error reply means for the agent.
///
/// Contract: `permission` for `NOPERM ...` (the user's ACL lacks the command; `command` is the
/// ACL name the server quoted, e.g. `client|list`, when it quoted one); `authentication` for
/// `NOAUTH`, `WRONGPASS`, `ERR invalid password` and the "AUTH called without any password
/// configured" answers; `unsupported` for `ERR unknown command` / `ERR unknown subcommand`
/// (an old server, or a command renamed away); `other` for everything else. `summary` is the
/// error line cut before Redis echoes arguments (`..., with args beginning with: ...`).
enum RedisErrorReply: Equatable {
    case permission(command: String?)
    case authentication
    case unsupported
    case other

    init(_ message: String) {
        let upper = message.uppercased()
        if upper.hasPrefix("NOPERM") {
            self = .permission(command: Self.quotedCommand(message))
        } else if upper.hasPrefix("NOAUTH") || upper.hasPrefix("WRONGPASS") || upper.hasPrefix("ERR INVALID PASSWORD")
            || (upper.hasPrefix("ERR") && upper.contains("AUTH") && upper.contains("PASSWORD") && (upper.contains("NO PASSWORD") || upper.contains("WITHOUT ANY PASSWORD")))
        {
            self = .authentication
        } else if upper.hasPrefix("ERR UNKNOWN COMMAND") || upper.hasPrefix("ERR UNKNOWN SUBCOMMAND") {
            self = .unsupported
        } else {
            self = .other
        }
    }

    /// The error line without the arguments Redis may echo back.
    static func summary(_ message: String) -> String {
        var text = Substring(message)
        for marker in [", with args beginning with:", ". Try "] {
            if let range = text.range(of: marker) { text = text[..<range.lowerBound] }
        }
        return String(text).trimmingCharacters(in: .whitespaces)
    }

    /// `client|list` from `NOPERM ... to run the 'client|list' command`.
    private static func quotedCommand(_ message: String) -> String? {
        guard let start = message.firstIndex(of: "'") else { return nil }
        let rest = message[message.index(after: start)...]
        guard let end = rest.firstIndex(of: "'") else { return nil }
        let command = rest[..<end]
        return command.isEmpty ? nil : String(command).lowercased()
    }
}
