import LogstagCore

/// The PostgreSQL collector's signals, loaded from `collectors/postgresql/manifest.toml` and
/// one `.sql` file per signal.
///
/// Contract: `load(read:)` asks `read` for paths relative to `Resources/` (the manifest at
/// `manifestPath`, then each SQL file under `directory`) and throws a
/// `PostgresCatalogError` naming the file and line for anything wrong: unknown keys, a bad
/// tier/scope/kind, a missing file, a label not named `tag_*` (or a `tag_*` column that is
/// not a label), a database-scoped signal without `tag_database`, a scrubbed column that is
/// not text, a signal without columns or columns without a signal, a duplicate name.
/// `signals` keep manifest order; `signals(tier:)` filters them.
public struct PostgresCatalog: Sendable, Equatable {
    public static let directory = "collectors/postgresql"
    public static let manifestPath = directory + "/manifest.toml"

    public let signals: [PostgresSignal]

    public init(signals: [PostgresSignal]) {
        self.signals = signals
    }

    /// Every signal name, in manifest order.
    public var signalNames: [String] { signals.map(\.name) }

    /// The signals collected on `tier`, in manifest order.
    public func signals(tier: Tier) -> [PostgresSignal] {
        signals.filter { $0.tier == tier }
    }

    /// The signal called `name`.
    public func signal(named name: String) -> PostgresSignal? {
        signals.first { $0.name == name }
    }

    /// Loads and validates the manifest and its SQL files.
    public static func load(read: (String) -> String?) throws(PostgresCatalogError) -> PostgresCatalog {
        guard let text = read(manifestPath) else {
            throw PostgresCatalogError(file: manifestPath, line: 0, message: "The manifest is missing from the embedded resources.")
        }
        let document: TOMLDocument
        do {
            document = try TOMLDocument.parse(text)
        } catch {
            throw PostgresCatalogError(file: manifestPath, line: error.line, message: error.message)
        }
        return PostgresCatalog(signals: try ManifestLoader(document: document).load(read: read))
    }
}

/// Walks the parsed manifest table by table.
private struct ManifestLoader {
    static let signalKeys = [
        "tier", "file", "description", "timeout_ms", "scope", "min_version", "max_version", "requires_role",
        "requires_extension", "extension_hint", "scrub", "handler", "text_file",
    ]

    let document: TOMLDocument

    func load(read: (String) -> String?) throws(PostgresCatalogError) -> [PostgresSignal] {
        var signals: [PostgresSignal] = []
        var columnTables: [String: TOMLTable] = [:]
        for table in document.tables {
            switch table.path.count {
            case 0:
                try Fields(table: table, allowedKeys: ["engine"]).rejectUnknownKeys()
                if let entry = table.entry("engine"), entry.value != .string("postgresql") {
                    throw fail(entry.line, "engine must be \"postgresql\".")
                }
            case 2 where table.path[0] == "signals":
                continue
            case 3 where table.path[0] == "signals" && table.path[2] == "columns":
                columnTables[table.path[1]] = table
            default:
                throw fail(table.line, "unexpected table \(table.displayName); only [signals.<name>] and [signals.<name>.columns] are allowed.")
            }
        }
        for table in document.tables where table.path.count == 2 && table.path[0] == "signals" {
            let name = table.path[1]
            guard signals.allSatisfy({ $0.name != name }) else { throw fail(table.line, "signal \(name) is declared twice.") }
            guard let columnTable = columnTables.removeValue(forKey: name) else {
                throw fail(table.line, "signal \(name) has no [signals.\(name).columns] table.")
            }
            signals.append(try signal(name: name, table: table, columnTable: columnTable, read: read))
        }
        if let orphan = columnTables.values.min(by: { $0.line < $1.line }) {
            throw fail(orphan.line, "\(orphan.displayName) belongs to no [signals.\(orphan.path[1])] table.")
        }
        return signals
    }

    private func signal(name: String, table: TOMLTable, columnTable: TOMLTable, read: (String) -> String?) throws(PostgresCatalogError) -> PostgresSignal {
        let reader = Fields(table: table, allowedKeys: Self.signalKeys)
        try reader.rejectUnknownKeys()
        guard Self.isSignalName(name) else {
            throw fail(table.line, "signal name \(name) must be snake_case and start with pg_.")
        }
        let tierName = try required(reader, "tier", table)
        guard let tier = Tier(rawValue: tierName) else {
            throw fail(table.entry("tier")?.line ?? table.line, "signal \(name): tier must be one of high, medium, low, schema.")
        }
        let description = try required(reader, "description", table)
        let file = try required(reader, "file", table)
        let sql = try sqlText(file, line: table.entry("file")?.line ?? table.line, signal: name, read: read)
        let timeoutMs = try reader.int("timeout_ms")
        guard let timeoutMs, (1...600_000).contains(timeoutMs) else {
            throw fail(table.entry("timeout_ms")?.line ?? table.line, "signal \(name): timeout_ms must be set, from 1 to 600000.")
        }
        let scopeName = try reader.string("scope") ?? "instance"
        guard let scope: PostgresSignal.Scope = PostgresSignal.Scope(rawValue: scopeName) else {
            throw fail(table.entry("scope")?.line ?? table.line, "signal \(name): scope must be instance or database.")
        }
        let handlerName = try reader.string("handler") ?? "query"
        guard let handler = PostgresSignal.Handler(rawValue: handlerName) else {
            throw fail(table.entry("handler")?.line ?? table.line, "signal \(name): handler must be query or statements.")
        }
        if handler == .statements, scope != .instance {
            throw fail(table.line, "signal \(name): handler = \"statements\" keeps state per target and needs scope = \"instance\".")
        }
        let textFile = try reader.string("text_file")
        guard (handler == .statements) == (textFile != nil) else {
            throw fail(table.line, "signal \(name): text_file is required with handler = \"statements\" and allowed only there.")
        }
        var textSQL: String?
        if let textFile {
            textSQL = try sqlText(textFile, line: table.entry("text_file")?.line ?? table.line, signal: name, read: read)
        }
        let columns = try self.columns(columnTable, signal: name)
        let scrubbed = try reader.stringArray("scrub") ?? []
        for column in scrubbed where columns.first(where: { $0.name == column })?.kind != .text {
            throw fail(table.entry("scrub")?.line ?? table.line, "signal \(name): scrubbed column \(column) must be a declared text column.")
        }
        if scope == .database, columns.first(where: { $0.name == "tag_database" })?.kind != .label {
            throw fail(columnTable.line, "signal \(name) has scope = \"database\" and must return a tag_database label.")
        }
        return PostgresSignal(
            name: name, description: description, tier: tier, file: file, sql: sql, timeoutMs: timeoutMs, scope: scope,
            minVersion: try reader.int("min_version"), maxVersion: try reader.int("max_version"),
            requiresRole: try reader.string("requires_role"),
            requiresExtension: try reader.string("requires_extension"),
            extensionHint: try reader.string("extension_hint"), scrubbedColumns: scrubbed, handler: handler,
            textFile: textFile, textSQL: textSQL, columns: columns)
    }

    /// `^pg_[a-z0-9_]{1,61}$`: snake_case as the wire requires, with the engine prefix.
    static func isSignalName(_ name: String) -> Bool {
        name.hasPrefix("pg_") && name.utf8.count <= 64 && name.utf8.count > 3
            && name.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }
    }

    private func columns(_ table: TOMLTable, signal: String) throws(PostgresCatalogError) -> [PostgresSignal.Column] {
        guard !table.entries.isEmpty else { throw fail(table.line, "signal \(signal) declares no columns.") }
        var columns: [PostgresSignal.Column] = []
        for entry in table.entries {
            guard case .string(let kindName) = entry.value, let kind = PostgresColumnKind(rawValue: kindName) else {
                throw fail(entry.line, "signal \(signal): column \(entry.key) must be one of gauge, counter, label, text, bool, timestamp.")
            }
            guard (kind == .label) == entry.key.hasPrefix("tag_") else {
                throw fail(entry.line, "signal \(signal): column \(entry.key): labels, and only labels, are named tag_*.")
            }
            columns.append(PostgresSignal.Column(name: entry.key, kind: kind))
        }
        return columns
    }

    private func sqlText(_ file: String, line: Int, signal: String, read: (String) -> String?) throws(PostgresCatalogError) -> String {
        guard file.hasSuffix(".sql"), !file.contains("/") else {
            throw fail(line, "signal \(signal): file \(file) must be a .sql file name in \(PostgresCatalog.directory).")
        }
        guard let sql = read(PostgresCatalog.directory + "/" + file) else {
            throw fail(line, "signal \(signal): \(PostgresCatalog.directory)/\(file) does not exist.")
        }
        return sql
    }

    private func required(_ reader: Fields, _ key: String, _ table: TOMLTable) throws(PostgresCatalogError) -> String {
        guard let value = try reader.string(key), !value.isEmpty else {
            throw fail(table.line, "signal \(table.path[1]) must set \(key).")
        }
        return value
    }

    private func fail(_ line: Int, _ message: String) -> PostgresCatalogError {
        Fields.fail(line, message)
    }
}

/// `TOMLSectionReader` with its errors reported as catalogue errors.
private struct Fields {
    let reader: TOMLSectionReader

    init(table: TOMLTable, allowedKeys: [String]) {
        reader = TOMLSectionReader(table: table, allowedKeys: allowedKeys)
    }

    func string(_ key: String) throws(PostgresCatalogError) -> String? {
        do { return try reader.string(key) } catch { throw Self.fail(error.line, error.message) }
    }

    func int(_ key: String) throws(PostgresCatalogError) -> Int? {
        do { return try reader.int(key) } catch { throw Self.fail(error.line, error.message) }
    }

    func stringArray(_ key: String) throws(PostgresCatalogError) -> [String]? {
        do { return try reader.stringArray(key) } catch { throw Self.fail(error.line, error.message) }
    }

    func rejectUnknownKeys() throws(PostgresCatalogError) {
        do { try reader.rejectUnknownKeys() } catch { throw Self.fail(error.line, error.message) }
    }

    static func fail(_ line: Int, _ message: String) -> PostgresCatalogError {
        PostgresCatalogError(file: PostgresCatalog.manifestPath, line: line, message: message)
    }
}
