import LogstagCore

/// One thing wrong (or worth a warning) in the agent configuration file.
///
/// Contract: `line` is 1-based and points at the key, or at the table header when a required
/// key is missing; 0 means the problem concerns the whole file (permissions, encoding).
/// `key` is the key concerned, when there is one. `message` is lower-case prose that starts
/// with what is wrong and ends with the fix where one is known; it never quotes a secret
/// value. `description` is `line N: key "x": message` (parts left out when absent).
public struct ConfigProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var key: String?
    public var message: String

    public init(line: Int, key: String? = nil, message: String) {
        self.line = line
        self.key = key
        self.message = message
    }

    public var description: String {
        var parts: [String] = []
        if line > 0 { parts.append("line \(line)") }
        if let key { parts.append("key \"\(key)\"") }
        parts.append(message)
        return parts.joined(separator: ": ")
    }
}

extension ConfigProblem {
    /// A parser or type error, with the `key "x": ` prefix of TOMLError messages moved into `key`.
    init(_ error: TOMLError) {
        var message = error.message
        if let key = error.key {
            let prefix = "key \"\(key)\": "
            if message.hasPrefix(prefix) { message.removeFirst(prefix.count) }
        }
        self.init(line: error.line, key: error.key, message: message)
    }
}
