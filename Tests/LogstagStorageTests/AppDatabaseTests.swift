import Foundation
import GRDB
import LogstagCore
import Testing

@testable import LogstagStorage

/// A database in a fresh temporary directory.
func makeDatabase() throws -> AppDatabase {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("logstag-storage-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return try AppDatabase(path: dir.appendingPathComponent("test.sqlite").path)
}

/// A fresh database with organisation "org" (owner "u") and PostgreSQL assets `assetIDs`, all
/// bound to agent "ag", so batches can be ingested for them.
func makeDatabase(assets assetIDs: [String], named name: (String) -> String = { $0 }, at now: Date) throws -> AppDatabase {
    let database = try makeDatabase()
    try AccountStore(database).createOrganization(
        Organization(id: "org", name: "Acme", createdAt: now),
        owner: User(id: "u", email: "u@x.test", name: "U", passwordHash: "h", createdAt: now), now: now)
    for id in assetIDs {
        try AssetStore(database).create(
            Asset(id: id, orgID: "org", name: name(id), engine: .postgresql, environment: .production, ownerID: nil, createdBy: nil, createdAt: now))
    }
    try database.writer.write { db in
        try db.execute(sql: "INSERT INTO agents (id, org_id, hostname, version, key_hash, created_at) VALUES ('ag', 'org', 'h', '1', 'k', 0)")
        try db.execute(sql: "UPDATE assets SET agent_id = 'ag'")
    }
    return database
}

@Suite("Database setup")
struct AppDatabaseTests {
    @Test("Embedded migrations apply in order and leave the durability pragmas on")
    func migrationsAndPragmas() throws {
        let database = try makeDatabase()
        let applied = try database.appliedMigrations()
        #expect(applied == applied.sorted())
        #expect(applied.first == "0001_accounts")
        #expect(applied.count >= 3)
        try database.writer.read { db throws in
            #expect(try String.fetchOne(db, sql: "PRAGMA journal_mode") == "wal")
            #expect(try Int.fetchOne(db, sql: "PRAGMA foreign_keys") == 1)
            #expect(try Int.fetchOne(db, sql: "PRAGMA synchronous") == 2)  // FULL
            for table in ["organizations", "users", "memberships", "sessions", "api_keys", "assets", "registration_tokens", "agents",
                          "commands", "ingest_keys", "snapshots", "series", "points_raw", "points_minute", "points_hour", "statements", "statement_points", "statement_hours", "statement_days", "schema_changes", "audit_log", "audit_heads", "audit_anchors"] {
                #expect(try db.tableExists(table), "\(table)")
            }
        }
    }

    @Test("The writer keeps its temporary data (savepoint journals) in memory; readers spill to disk")
    func temporaryStorage() throws {
        let database = try makeDatabase()
        // temp_store: 0 = default (a file here), 2 = memory.
        #expect(try database.writer.write { db in try Int.fetchOne(db, sql: "PRAGMA temp_store") } == 2)
        #expect(try database.writer.read { db in try Int.fetchOne(db, sql: "PRAGMA temp_store") } == 0)
    }

    @Test("Re-opening an existing database applies nothing twice and keeps the data")
    func reopen() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("logstag-reopen-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("db.sqlite").path
        let first = try AppDatabase(path: path)
        try first.writer.write { db in try db.execute(sql: "INSERT INTO organizations (id, name, created_at) VALUES ('o', 'Acme', 0)") }
        try first.close()
        let second = try AppDatabase(path: path)
        #expect(try second.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM organizations") } == 1)
    }

    @Test("At most one Account Owner per organisation, enforced by the schema")
    func oneOwnerIndex() throws {
        let database = try makeDatabase()
        let store = AccountStore(database)
        let now = Date()
        let owner = User(id: "u1", email: "a@x.test", name: "A", passwordHash: "h", createdAt: now)
        try store.createOrganization(Organization(id: "o1", name: "Acme", createdAt: now), owner: owner, now: now)
        try database.writer.write { db in
            try db.execute(sql: "INSERT INTO users (id, email, name, password_hash, created_at) VALUES ('u2', 'b@x.test', 'B', 'h', 0)")
        }
        #expect(throws: DatabaseError.self) {
            try database.writer.write { db in
                try db.execute(sql: "INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ('o1', 'u2', 'owner', 0)")
            }
        }
    }
}
