// On-demand benchmark of health-report generation (bench/health.sh runs it; not part of the tests).
//
// Builds a server database holding a PostgreSQL asset whose schema snapshot has 5,000 tables and
// 20,000 indexes (the figure), plus every other signal the catalogue reads (taken from
// the healthy fixture cases) with a baseline an hour earlier, and chart series for a day. Then
// times what a run does once collection is over: load the snapshot from SQLite, evaluate every
// rule, build the report (scope, charts, deltas) and store it; and reports the extra memory
// that took (peak resident set during generation minus the resident set before it).
//
// Usage: LogstagHealthBench [--tables N] [--indexes N] [--runs N] [--fixtures PATH]
import Foundation
import GRDB
import LogstagBenchSupport
import LogstagCore
import LogstagServer
import LogstagStorage

struct Options {
    var tables = 5000
    var indexes = 20000
    var runs = 3
    var fixtures = "Tests/LogstagCoreTests/Fixtures/health/postgresql.json"

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let flag = iterator.next() {
            guard let value = iterator.next() else { fatalError("\(flag) needs a value") }
            switch flag {
            case "--tables": tables = Int(value)!
            case "--indexes": indexes = Int(value)!
            case "--runs": runs = Int(value)!
            case "--fixtures": fixtures = value
            default: fatalError("unknown option \(flag)")
            }
        }
    }
}

func schemaRows(tables: Int, indexes: Int) -> (tables: [[String: JSONValue]], indexes: [[String: JSONValue]]) {
    var tableRows: [[String: JSONValue]] = []
    for number in 0..<tables {
        let schema = "app_\(number % 20)"
        tableRows.append([
            "tag_database": "shop", "tag_schema": .string(schema), "tag_table": .string("table_\(number)"), "table_type": "table",
            "owner": "app", "table_bytes": .number(Double(8192 * (number % 500 + 1))), "total_bytes": .number(Double(16384 * (number % 500 + 1))),
            "toast_bytes": 0, "index_bytes": .number(Double(8192 * (number % 500 + 1))), "rows_estimate": .number(Double(number * 10)),
            "n_live_tup": .number(Double(number * 10)), "n_dead_tup": .number(Double(number % 7)), "n_mod_since_analyze": 3,
            "seq_scan": .number(Double(number % 50)), "seq_tup_read": .number(Double(number * 3)), "idx_scan": .number(Double(number * 5)),
            "idx_tup_fetch": 10, "n_tup_ins": 100, "n_tup_upd": 10, "n_tup_del": 1, "n_tup_hot_upd": 5,
            "last_vacuum": .null, "last_autovacuum": "2026-11-21T10:00:00.000Z", "last_analyze": .null,
            "last_autoanalyze": "2026-11-21T10:00:00.000Z", "vacuum_count": 0, "autovacuum_count": 3, "analyze_count": 0,
            "autoanalyze_count": 3, "frozenxid_age": 1000, "has_primary_key": .bool(number % 100 != 0), "unlogged": false,
            "is_partition": false,
        ])
    }
    var indexRows: [[String: JSONValue]] = []
    for number in 0..<indexes {
        let table = number % tables
        let schema = "app_\(table % 20)"
        // One index in 200 duplicates its neighbour, one in 500 is invalid: findings with rows.
        let duplicate: JSONValue = number % 200 == 1 ? .string("\(schema).index_\(number - 1)") : .null
        indexRows.append([
            "tag_database": "shop", "tag_schema": .string(schema), "tag_table": .string("table_\(table)"),
            "tag_index": .string("index_\(number)"), "method": "btree", "size_bytes": .number(Double(8192 * (number % 300 + 1))),
            "idx_scan": .number(Double(number % 3 == 0 ? 0 : number)), "idx_tup_read": 10, "idx_tup_fetch": 10,
            "valid": .bool(number % 500 != 7), "is_unique": .bool(number % 4 == 0), "is_primary": .bool(number % 4 == 0),
            "definition": .string("CREATE INDEX index_\(number) ON \(schema).table_\(table) USING btree (column_\(number % 9))"),
            "duplicate_of": duplicate,
        ])
    }
    return (tableRows, indexRows)
}

let options = Options(CommandLine.arguments)
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("logstag-health-bench-\(getpid())")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }

let database = try AppDatabase(path: directory.appendingPathComponent("logstag.sqlite").path)
let now = Date()
try AccountStore(database).createOrganization(
    Organization(id: "org-bench", name: "bench", createdAt: now),
    owner: User(id: "user-bench", email: "bench@example.test", name: "bench", passwordHash: "-", createdAt: now), now: now)
let asset = Asset(
    id: "asset-bench", orgID: "org-bench", name: "orders-db", engine: .postgresql, environment: .production, ownerID: nil,
    createdBy: nil, createdAt: now)
try AssetStore(database).create(asset)

guard case .available(let catalogue) = HealthCatalogues.catalogue(for: .postgresql) else { fatalError("no PostgreSQL catalogue") }
var signals = try fixtureSignals(path: options.fixtures)
let schema = schemaRows(tables: options.tables, indexes: options.indexes)
signals["pg_tables"] = schema.tables
signals["pg_indexes"] = schema.indexes

// Two snapshots of every signal (an hour ago: the baseline; now: the latest), and a day of
// chart series every 5 minutes.
let encoder = WireCoding.encoder()
try await database.writer.write { db in
    for (name, rows) in signals {
        let json = String(decoding: try encoder.encode(rows), as: UTF8.self)
        for at in [now.addingTimeInterval(-3600), now.addingTimeInterval(-30)] {
            try db.execute(
                sql: """
                    INSERT INTO snapshots (org_id, asset_id, signal, tier, collected_at, status, duration_ms, row_count, rows_json)
                    VALUES ('org-bench', 'asset-bench', ?, 'schema', ?, 'ok', 1, ?, ?)
                    """,
                arguments: [name, at.timeIntervalSince1970, rows.count, json])
        }
    }
    for chart in catalogue.charts {
        try db.execute(sql: "INSERT OR IGNORE INTO series (asset_id, metric, kind) VALUES ('asset-bench', ?, 'gauge')", arguments: [chart.metric])
        for step in 0..<288 {
            try db.execute(
                sql: "INSERT OR REPLACE INTO points_raw (series_id, ts, value) VALUES ((SELECT id FROM series WHERE metric = ?), ?, ?)",
                arguments: [chart.metric, now.addingTimeInterval(Double(-step * 300)).timeIntervalSince1970, Double(step * 10)])
        }
    }
}

let store = HealthRunStore(database)
let generator = HealthReportGenerator(store: store)
print("snapshot: \(options.tables) tables, \(options.indexes) indexes, \(signals.count) signals; \(catalogue.rules.count) rules")
var seconds: [Double] = []
var extra: [Int] = []
for number in 0..<options.runs {
    let run = HealthRunRecord(
        id: "run-\(number)", orgID: "org-bench", assetID: "asset-bench", status: .generatingReport, trigger: .manual, requestedBy: nil,
        createdAt: now, deadlineAt: now.addingTimeInterval(600))
    try store.create(run)
    let before = memory().rss
    resetPeak()
    let clock = ContinuousClock()
    var report: HealthReport?
    let elapsed = try clock.measure {
        report = try generator.report(run: run, asset: asset, catalogue: catalogue, now: Date())
        _ = try store.complete(orgID: "org-bench", id: run.id, report: report!, now: Date())
    }
    let peak = memory().peak
    seconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    extra.append(max(0, peak - before))
    let findings = report!.findings.filter { $0.status != .healthy }.count
    print(String(
        format: "run %d: %.3f s, extra memory %@ (resident before %@); %d findings not healthy, %d limitations, %d scope objects of %d",
        number + 1, seconds.last!, megabytes(extra.last!), megabytes(before), findings, report!.limitations.count,
        report!.scope.objects.count, report!.scope.totalObjects))
}
if CommandLine.arguments.contains("--list") || ProcessInfo.processInfo.environment["BENCH_LIST"] != nil {
    let last = try store.run(orgID: "org-bench", id: "run-\(options.runs - 1)")?.report
    for finding in last?.findings ?? [] where finding.status != .healthy { print("  \(finding.status.rawValue): \(finding.ruleID) - \(finding.result)") }
    for limitation in last?.limitations ?? [] { print("  limitation: \(limitation.ruleID) (\(limitation.reason.rawValue)) \(limitation.message)") }
}
let worstSeconds = seconds.max()!
let worstExtra = extra.max()!
print(worstSeconds < 2 ? "PASS" : "FAIL", String(format: " report generation < 2 s: slowest of %d runs %.3f s", options.runs, worstSeconds))
print(worstExtra < 100 * 1_048_576 ? "PASS" : "FAIL", " extra server memory < 100 MB: largest \(megabytes(worstExtra))")
