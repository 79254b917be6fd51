/// Typed, line-aware access to one TOML table for configuration loaders.
///
/// Contract: each accessor returns nil when the key is absent and throws a `TOMLError` naming
/// the key and its line when the value has the wrong type; `rejectUnknownKeys()` throws for
/// the first key (in file order) that is not in `allowedKeys`, e.g.
/// `line 3: unknown key "lisen" in [server]`.
public struct TOMLSectionReader: Sendable {
    public let table: TOMLTable
    public let allowedKeys: Set<String>

    public init(table: TOMLTable, allowedKeys: some Sequence<String>) {
        self.table = table
        self.allowedKeys = Set(allowedKeys)
    }

    /// The string value of `key`.
    public func string(_ key: String) throws(TOMLError) -> String? {
        guard let entry = table.entry(key) else { return nil }
        guard case .string(let value) = entry.value else { throw mismatch(entry, expected: "a string") }
        return value
    }

    /// The integer value of `key`.
    public func int(_ key: String) throws(TOMLError) -> Int? {
        guard let entry = table.entry(key) else { return nil }
        guard case .integer(let value) = entry.value else { throw mismatch(entry, expected: "an integer") }
        guard let result = Int(exactly: value) else {
            throw TOMLError(line: entry.line, key: key, message: "key \"\(key)\": the integer is too large")
        }
        return result
    }

    /// The numeric value of `key` (an integer or a float).
    public func double(_ key: String) throws(TOMLError) -> Double? {
        guard let entry = table.entry(key) else { return nil }
        switch entry.value {
        case .integer(let value): return Double(value)
        case .float(let value): return value
        default: throw mismatch(entry, expected: "a number")
        }
    }

    /// The boolean value of `key`.
    public func bool(_ key: String) throws(TOMLError) -> Bool? {
        guard let entry = table.entry(key) else { return nil }
        guard case .bool(let value) = entry.value else { throw mismatch(entry, expected: "true or false") }
        return value
    }

    /// The value of `key` when it is an array whose elements are all strings.
    public func stringArray(_ key: String) throws(TOMLError) -> [String]? {
        guard let entry = table.entry(key) else { return nil }
        guard case .array(let items) = entry.value else { throw mismatch(entry, expected: "an array of strings") }
        var strings: [String] = []
        for item in items {
            guard case .string(let value) = item else {
                throw TOMLError(
                    line: entry.line, key: key, message: "key \"\(key)\": expected an array of strings, found \(item.typeName) in it")
            }
            strings.append(value)
        }
        return strings
    }

    /// Throws for the first key of the table that is not allowed.
    public func rejectUnknownKeys() throws(TOMLError) {
        for entry in table.entries where !allowedKeys.contains(entry.key) {
            throw TOMLError(line: entry.line, key: entry.key, message: "unknown key \"\(entry.key)\" in \(table.displayName)")
        }
    }

    private func mismatch(_ entry: TOMLEntry, expected: String) -> TOMLError {
        TOMLError(line: entry.line, key: entry.key, message: "key \"\(entry.key)\": expected \(expected), found \(entry.value.typeName)")
    }
}
