/// A parsed TOML file, limited to the subset Logstag's configuration files use.
///
/// Contract: `parse` accepts comments, `[table]` / `[a.b]` / `[a."quoted"]` headers, bare and
/// quoted keys, basic strings (escapes `\" \\ \b \t \n \f \r \uXXXX \UXXXXXXXX`), literal
/// strings, integers (`_` separators, sign, `0x`/`0o`/`0b`), floats (including `inf` and
/// `nan`), booleans and arrays of those (spanning lines, trailing comma allowed). Dotted keys,
/// inline tables, arrays of tables, multi-line strings and dates are rejected with a clear
/// message. Every error names its line; duplicate keys and tables are reported at the second
/// occurrence. The root table is always `tables[0]`; the others follow in file order.
public struct TOMLDocument: Sendable, Equatable {
    public let tables: [TOMLTable]

    public init(tables: [TOMLTable]) {
        self.tables = tables
    }

    /// The table with this dotted name (`""` for the root), if present.
    public func table(named name: String) -> TOMLTable? {
        tables.first { $0.name == name }
    }

    /// The table with this path, if present.
    public func table(path: [String]) -> TOMLTable? {
        tables.first { $0.path == path }
    }

    /// Parses `text`, or throws the first error with its line.
    public static func parse(_ text: String) throws(TOMLError) -> TOMLDocument {
        var parser = TOMLParser(text)
        return try parser.parseDocument()
    }
}
