import Foundation
import GRDB
import LogstagResources

/// The server's SQLite database: WAL, foreign keys, `synchronous = FULL` and numbered SQL
/// migrations embedded from `Resources/migrations/`.
///
/// Durability contract: every write goes through GRDB's single writer and commits with
/// `synchronous = FULL`, so when a write call returns, the transaction is on disk (fsync'd WAL).
/// HTTP handlers answer 2xx only after their write returned.
public final class AppDatabase: Sendable {
    public let writer: DatabasePool

    /// Opens (creating if needed) the database file and runs pending migrations.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            // WAL is set by DatabasePool; FULL syncs the WAL on every commit (acks are promises).
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // The writer's temporary files are mostly the statement journals of the savepoint
            // each ingested batch runs in: kept in a file they cost a write per changed page
            // (15 % of ingest time at 200 instances). Its other temporary data (retention's
            // small id sets) is small too. Readers keep the default, so a large sort still
            // spills to disk instead of growing memory.
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA temp_store = MEMORY") }
        }
        writer = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator().migrate(writer)
    }

    /// Migrations are the files `Resources/migrations/NNNN_name.sql`, applied in name order.
    static func migrator() throws -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        let files = BundledResources.paths(under: "migrations/").filter { $0.hasSuffix(".sql") }
        guard !files.isEmpty else { throw StorageError.missingMigrations }
        for file in files {
            guard let sql = BundledResources.text(file) else { throw StorageError.missingMigrations }
            let name = String(file.dropFirst("migrations/".count).dropLast(".sql".count))
            migrator.registerMigration(name) { db in try db.execute(sql: sql) }
        }
        return migrator
    }

    /// The migrations applied so far, in order.
    public func appliedMigrations() throws -> [String] {
        try writer.read { db in try Self.migrator().appliedMigrations(db) }
    }

    /// Closes the pool cleanly (checkpointing the WAL) on shutdown.
    public func close() throws { try writer.close() }
}

/// Errors of the storage layer that callers map to HTTP answers.
public enum StorageError: Error, Equatable, CustomStringConvertible {
    case missingMigrations
    case duplicateName
    case notFound
    case conflict(String)

    public var description: String {
        switch self {
        case .missingMigrations: "The embedded SQL migrations are missing from this binary."
        case .duplicateName: "An instance with this name already exists in the organisation."
        case .notFound: "Not found."
        case .conflict(let why): why
        }
    }
}

/// Unix time in seconds, the storage representation of every timestamp.
extension Date {
    var unixTime: Double { timeIntervalSince1970 }
}

extension Row {
    func date(_ column: String) -> Date? {
        (self[column] as Double?).map { Date(timeIntervalSince1970: $0) }
    }
}
