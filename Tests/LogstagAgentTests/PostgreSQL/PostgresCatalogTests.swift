import Foundation
import LogstagCore
import Testing

@testable import LogstagAgent

@Suite("PostgreSQL collector catalogue")
struct PostgresCatalogTests {
    @Test("the manifest loads, and its SQL files and the folder's .sql files match one to one")
    func filesMatchManifest() throws {
        let catalog = try PostgresTestServer.catalog()
        let referenced = Set(catalog.signals.flatMap { [$0.file] + ($0.textFile.map { [$0] } ?? []) })
        let onDisk = Set(try PostgresTestResources.collectorFiles().filter { $0.hasSuffix(".sql") })
        #expect(referenced == onDisk, "manifest-only: \(referenced.subtracting(onDisk)); unreferenced: \(onDisk.subtracting(referenced))")
        #expect(Set(catalog.signalNames).count == catalog.signals.count)
        for tier in Tier.allCases {
            #expect(!catalog.signals(tier: tier).isEmpty, "tier \(tier) has no signals")
        }
        for signal in catalog.signals(tier: .schema) {
            #expect(signal.scope == .database, "\(signal.name) is a schema signal and must run per database")
        }
    }

    @Test("the catalogue covers what the collector promises")
    func coverage() throws {
        let names = Set(try PostgresTestServer.catalog().signalNames)
        let promised: Set = [
            "pg_sessions_by_state", "pg_activity", "pg_blocking", "pg_long_running", "pg_replication", "pg_recovery",
            "pg_database_stats", "pg_database_sizes", "pg_stat_statements", "pg_bgwriter", "pg_wal", "pg_replication_lag", "pg_database_conflicts",
            "pg_settings", "pg_roles", "pg_extensions", "pg_version", "pg_security", "pg_password_types", "pg_hba_rules",
            "pg_vacuum_ages", "pg_autovacuum", "pg_sequence_exhaustion", "pg_schemas", "pg_tables", "pg_indexes", "pg_views",
            "pg_functions", "pg_sequences", "pg_constraints", "pg_unindexed_foreign_keys", "pg_privileges",
        ]
        #expect(promised.subtracting(names).isEmpty, "missing: \(promised.subtracting(names))")
    }

    @Test("every SQL file returns exactly the columns its manifest entry declares (real server)")
    func columnsMatchServer() throws {
        try PostgresTestServer.requireServer()
        let catalog = try PostgresTestServer.catalog()
        let session = try PostgresSession.open(PostgresConnectionParameters(target: PostgresTestServer.target()))
        defer { session.close() }
        for signal in catalog.signals {
            let result = try session.query(signal.sql, timeoutMs: signal.timeoutMs)
            #expect(result.columns == signal.columns.map(\.name), "\(signal.file) columns differ from the manifest")
            if let textSQL = signal.textSQL {
                let texts = try session.query(textSQL, parameters: ["{}"])
                #expect(Set(texts.columns).isSubset(of: Set(signal.columns.map(\.name))), "\(signal.textFile ?? "") columns")
                #expect(texts.columns.contains("tag_queryid") && texts.columns.contains("query"))
            }
        }
    }

    @Test(
        "a broken manifest is rejected with its line and a clear reason",
        arguments: [
            ("timeout_ms = 2000\nrequires_role", "timeout_ms = 2000\nsurprise = 1\nrequires_role", "unknown key \"surprise\""),
            ("tag_state = \"label\"", "state_label = \"label\"", "labels, and only labels, are named tag_*"),
            ("sessions = \"gauge\"", "sessions = \"histogram\"", "must be one of gauge, counter"),
            ("file = \"pg_activity.sql\"", "file = \"pg_nope.sql\"", "collectors/postgresql/pg_nope.sql does not exist"),
            ("tier = \"high\"\ndescription = \"Client", "tier = \"hourly\"\ndescription = \"Client", "tier must be one of"),
            ("[signals.pg_roles.columns]", "[signals.pg_rolez.columns]", "has no [signals.pg_roles.columns] table"),
            ("scope = \"database\"\n\n[signals.pg_extensions.columns]\ntag_database = \"label\"",
             "scope = \"database\"\n\n[signals.pg_extensions.columns]\ndb = \"text\"", "must return a tag_database label"),
        ])
    func brokenManifest(original: String, replacement: String, expected: String) throws {
        let manifest = try #require(PostgresTestResources.read(PostgresCatalog.manifestPath))
        #expect(manifest.contains(original), "fixture no longer matches the manifest: \(original)")
        let broken = manifest.replacingOccurrences(of: original, with: replacement)
        let read: (String) -> String? = { path in
            path == PostgresCatalog.manifestPath ? broken : PostgresTestResources.read(path)
        }
        do {
            _ = try PostgresCatalog.load(read: read)
            Issue.record("the broken manifest was accepted")
        } catch {
            #expect(error.description.contains(expected), "\(error.description)")
            #expect(error.line > 0, "no line in \(error.description)")
        }
    }

    @Test("a missing manifest is an error, not an empty catalogue")
    func missingManifest() {
        #expect(throws: PostgresCatalogError.self) { try PostgresCatalog.load(read: { _ in nil }) }
    }
}
