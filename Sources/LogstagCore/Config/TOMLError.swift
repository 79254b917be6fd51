/// A TOML syntax error or a configuration value of the wrong type or name.
///
/// Contract: `line` is 1-based and points at the offending key, header or character; `key` is
/// the key concerned when there is one. `description` is `line N: <message>`, and messages
/// about a key start with `key "name": `, e.g. `line 7: key "listen": expected a string`.
/// Messages never quote a value, so secrets in config files do not leak into logs.
public struct TOMLError: Error, Sendable, Equatable, CustomStringConvertible {
    public let line: Int
    public let key: String?
    public let message: String

    public init(line: Int, key: String? = nil, message: String) {
        self.line = line
        self.key = key
        self.message = message
    }

    public var description: String { "line \(line): \(message)" }
}
