import LogstagCore

/// One signal of the PostgreSQL collector, as declared in `collectors/postgresql/manifest.toml`.
///
/// Contract: `name` is snake_case and starts with `pg_`; `sql` is the text of `file`;
/// `columns` lists every result column in the order the SQL returns them, each with its kind;
/// `scope == .database` signals run once in every database the user may connect to and carry
/// a `tag_database` label; `minVersion`/`maxVersion` bound `server_version_num` (inclusive);
/// `requiresRole` names a role the user must have the privileges of, because PostgreSQL
/// silently hides data from others; `requiresExtension` names an extension that must be
/// installed in the connected database; `scrubbedColumns` are query texts passed through
/// `SQLTextScrubber`; `handler` selects code beyond "run the SQL, convert the rows"
/// (`.statements` for the pg_stat_statements delta logic, which also uses `textSQL`).
public struct PostgresSignal: Sendable, Equatable {
    public enum Scope: String, Sendable, CaseIterable {
        case instance, database
    }

    public enum Handler: String, Sendable, CaseIterable {
        case query, statements
    }

    public struct Column: Sendable, Equatable {
        public var name: String
        public var kind: PostgresColumnKind
    }

    public var name: String
    public var description: String
    public var tier: Tier
    public var file: String
    public var sql: String
    public var timeoutMs: Int
    public var scope: Scope
    public var minVersion: Int?
    public var maxVersion: Int?
    public var requiresRole: String?
    public var requiresExtension: String?
    public var extensionHint: String?
    public var scrubbedColumns: [String]
    public var handler: Handler
    public var textFile: String?
    public var textSQL: String?
    public var columns: [Column]

    /// The kind of `column`, nil when the manifest does not declare it.
    public func kind(of column: String) -> PostgresColumnKind? {
        columns.first { $0.name == column }?.kind
    }
}
