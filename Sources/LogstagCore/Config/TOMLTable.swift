/// One table of a TOML document: the root (name `""`) or a `[header]` and its entries.
///
/// Contract: `path` holds the header's unquoted parts (`[targets."main db"]` is
/// `["targets", "main db"]`) and `name` joins them with `.`; use `path` when a part may
/// contain a dot. `line` is the header's line (1 for the root). `entries` are in file order
/// and keys are unique within a table.
public struct TOMLTable: Sendable, Equatable {
    public let name: String
    public let path: [String]
    public let line: Int
    public let entries: [TOMLEntry]

    public init(path: [String], line: Int, entries: [TOMLEntry]) {
        self.path = path
        self.name = path.joined(separator: ".")
        self.line = line
        self.entries = entries
    }

    /// The entry for `key`, if present.
    public func entry(_ key: String) -> TOMLEntry? {
        entries.first { $0.key == key }
    }

    /// How the table is named in messages: `[server]`, or "the top level" for the root.
    public var displayName: String {
        path.isEmpty ? "the top level" : "[\(name)]"
    }
}
