/// One `key = value` line of a TOML table.
///
/// Contract: `key` is unquoted; `line` is the 1-based line the key is on (for an array that
/// spans lines, the line where it starts).
public struct TOMLEntry: Sendable, Equatable {
    public let key: String
    public let value: TOMLValue
    public let line: Int

    public init(key: String, value: TOMLValue, line: Int) {
        self.key = key
        self.value = value
        self.line = line
    }
}
