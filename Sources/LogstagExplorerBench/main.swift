// On-demand data generator for the explorer benchmark (bench/explorers.sh runs it; not a test).
//
// Fills a server database with what agents would have sent for N instances over D days, through
// the ingest code path the agent API uses (`IngestStore.ingest`, batches grouped per
// transaction like the ingest queue does), with collection times spread over the whole period
// and the hourly retention purge run as simulated time passes, so raw points, 1-minute and
// 1-hour rollups, statements, snapshots and schema changes end up as they would in production.
//
// Rows are the healthy health-fixture rows of every signal the engine's manifest declares,
// evolved over time: counters grow (with a stats reset in the middle of the period), gauges
// wander. Cadence per tier (production: high 10 s, medium 60 s, low 600 s, schema 4 h):
//   * the last `--recent-hours` (default 2) at production cadence: the 1-hour window and the
//     hour its tiles compare with read raw points;
//   * the last `--dense-hours` (default 25) every 60 s at most: every 1-minute rollup the 24-hour
//     window reads exists, as in production;
//   * the rest of the raw retention (7 days) every `--week-step` seconds (default 600);
//   * older than that, every `--old-step` seconds (default 3600: the 30-day window reads 1-hour
//     rollups, as many rows as production);
//   * the first `--dense-instances` PostgreSQL and the first as many Redis instances (default 1
//     each) every 60 s at most over the whole period, so their 7-day windows and the week before
//     read every 1-minute rollup too (bench/explorers.sh times the per-instance pages on them;
//     their ids go to `bench-dense`).
// Production cadence for all of it would be about 60 million payloads for 200 instances: days of
// generation on a 2-core machine. With the defaults (about 1.8 million payloads) every window
// reads as many stored rows as in production except what no timed URL reads: raw points and
// statement samples of the instances that are not dense before the last 25 hours (`--week-step 60`
// stores them too, at about four times the generation time). Snapshots past 25 hours are one an
// hour whatever the cadence (RetentionStore), and `--calibrate` measures the true bytes per
// instance-day and the steady-state size. `--plan` prints the payload count and stops.
//
// Usage: see `Options.usage` (`--help`).
import Foundation
import GRDB
import LogstagBenchSupport
import LogstagCore
import LogstagResources
import LogstagStorage

struct Options {
    var dataDir = ""
    var instances = 200
    var days = 30.0
    var recentHours = 2.0
    var denseHours = 25.0
    var denseInstances = 1
    var weekStep: TimeInterval = 600
    var oldStep: TimeInterval = 3600
    var calibrate = false
    var planOnly = false
    var fixtures = "Tests/LogstagCoreTests/Fixtures/health"

    static let usage = """
        Usage: LogstagExplorerBench --data-dir DIR [--instances 200] [--days 30] [--recent-hours 2]
                                    [--dense-hours 25] [--dense-instances 1] [--week-step 600]
                                    [--old-step 3600] [--fixtures DIR] [--calibrate] [--plan]
        """

    /// Parses the command line; a bad one prints what is wrong and the usage, and exits 2.
    init(_ arguments: [String]) {
        func fail(_ message: String) -> Never {
            FileHandle.standardError.write(Data("LogstagExplorerBench: \(message)\n\(Self.usage)\n".utf8))
            exit(2)
        }
        func number<T: LosslessStringConvertible>(_ flag: String, _ value: String) -> T {
            guard let parsed = T(value) else { fail("\(flag) wants a number, got '\(value)'") }
            return parsed
        }
        var iterator = arguments.dropFirst().makeIterator()
        while let flag = iterator.next() {
            switch flag {
            case "--help", "-h":
                print(Self.usage)
                exit(0)
            case "--calibrate": calibrate = true; continue
            case "--plan": planOnly = true; continue
            default: break
            }
            guard let value = iterator.next() else { fail("\(flag) needs a value") }
            switch flag {
            case "--data-dir": dataDir = value
            case "--instances": instances = number(flag, value)
            case "--days": days = number(flag, value)
            case "--recent-hours": recentHours = number(flag, value)
            case "--dense-hours": denseHours = number(flag, value)
            case "--dense-instances": denseInstances = number(flag, value)
            case "--week-step": weekStep = number(flag, value)
            case "--old-step": oldStep = number(flag, value)
            case "--fixtures": fixtures = value
            default: fail("unknown option \(flag)")
            }
        }
        if dataDir.isEmpty && !planOnly { fail("--data-dir is required") }
    }
}

/// The signals of one engine per tier, from the embedded collector manifest.
func signalsByTier(engine: String) throws -> [Tier: [String]] {
    let text = BundledResources.text("collectors/\(engine)/manifest.toml")!
    var result: [Tier: [String]] = [:]
    for table in try TOMLDocument.parse(text).tables where table.path.count == 2 && table.path[0] == "signals" {
        guard case .string(let raw)? = table.entries.first(where: { $0.key == "tier" })?.value, let tier = Tier(rawValue: raw) else { continue }
        result[tier, default: []].append(table.path[1])
    }
    return result
}

/// One simulated instance: its asset and the rows each of its signals starts from.
struct Instance {
    let asset: Asset
    let number: Int
    let dense: Bool
    let tiers: [Tier: [String]]
    let rows: [String: [[String: JSONValue]]]
}

/// Rows of one signal at time `t`: counters grow by a per-row rate from `origin` (restarting
/// from zero after `reset`, like a stats reset), gauges wander around their fixture value.
func evolve(_ rows: [[String: JSONValue]], signal: String, instance: Int, t: Date, origin: Date, reset: Date) -> [[String: JSONValue]] {
    let kinds = SignalColumnKinds.bundled
    let since = t >= reset ? t.timeIntervalSince(reset) : t.timeIntervalSince(origin)
    let phase = t.timeIntervalSince1970 / 3600 + Double(instance)
    return rows.enumerated().map { index, row in
        var out = row
        for (column, value) in row where !column.hasPrefix("tag_") {
            guard case .number(let base) = value else { continue }
            if kinds.isCounter(signal: signal, column: column) {
                let rate = max(0.01, (abs(base) / 86_400).rounded(.up)) * Double(1 + (index + instance) % 5)
                out[column] = .number((t >= reset ? 0 : base) + rate * since)
            } else {
                out[column] = .number((base * (1 + 0.2 * sin(phase + Double(index)))).rounded())
            }
        }
        return out
    }
}

func payload(_ instance: Instance, tier: Tier, at t: Date, origin: Date, reset: Date) -> TargetPayload {
    let signals = (instance.tiers[tier] ?? []).compactMap { name -> SignalPayload? in
        guard let rows = instance.rows[name], !rows.isEmpty else { return nil }
        return SignalPayload(name: name, status: .ok, durationMs: 2,
                             rows: evolve(rows, signal: name, instance: instance.number, t: t, origin: origin, reset: reset))
    }
    return TargetPayload(assetID: instance.asset.id, targetName: instance.asset.name, tier: tier, collectedAt: t,
                         targetStatus: TargetStatus(ok: true), signals: signals)
}

/// Seconds between collections of `tier` at time `t` under the cadence plan above, for an instance
/// that is one of the dense ones or not.
func step(_ tier: Tier, at t: Date, end: Date, dense: Bool, options: Options) -> TimeInterval {
    let age = end.timeIntervalSince(t)
    let production: TimeInterval = switch tier {
    case .high: 10
    case .medium: 60
    case .low: 600
    case .schema: 14_400
    }
    if tier == .schema || age <= options.recentHours * 3600 { return production }
    if dense || age <= options.denseHours * 3600 { return max(production, 60) }
    if age <= SeriesRetention.defaults.raw { return max(production, options.weekStep) }
    return max(production, options.oldStep)
}

/// Walks simulated time from `start` to `end` in ticks of the finest step due and calls `body`
/// with the tiers due at each tick, for the dense instances and for the others.
func walkCollections(from start: Date, to end: Date, options: Options, _ body: (Date, _ dense: Bool, [Tier]) throws -> Void) rethrows {
    var due: [Bool: [Tier: Date]] = [:]
    for dense in [true, false] { for tier in Tier.allCases { due[dense, default: [:]][tier] = start } }
    var t = start
    while t <= end {
        for dense in [true, false] {
            let tiersDue = Tier.allCases.filter { due[dense]![$0]! <= t }
            for tier in tiersDue { due[dense]![tier] = t.addingTimeInterval(step(tier, at: t, end: end, dense: dense, options: options)) }
            if !tiersDue.isEmpty { try body(t, dense, tiersDue) }
        }
        let next = due.values.flatMap(\.values).min()!
        t = next > t ? next : t.addingTimeInterval(10)
    }
}

let options = Options(CommandLine.arguments)
let end = Date()
let start = end.addingTimeInterval(-options.days * 86_400)
let reset = start.addingTimeInterval(options.days * 86_400 / 2)

/// Instances are numbered three PostgreSQL for one Redis/Valkey (every fourth); the dense ones are
/// the first `--dense-instances` of each.
func isDense(_ number: Int) -> Bool {
    let indexInEngine = number % 4 == 3 ? number / 4 : number / 4 * 3 + number % 4
    return indexInEngine < options.denseInstances
}
let denseCount = (0..<options.instances).filter(isDense).count

if options.planOnly {
    var planned = 0
    walkCollections(from: start, to: end, options: options) { _, dense, tiers in
        planned += tiers.count * (dense ? denseCount : options.instances - denseCount)
    }
    print("\(planned) payloads planned for \(options.instances) instances over \(options.days) days")
    exit(0)
}
let database = try AppDatabase(path: options.dataDir + "/logstag.sqlite")

// The organisation created by `logstag --create-owner`; instances belong to it.
let orgID = try database.writer.read { db in try String.fetchOne(db, sql: "SELECT id FROM organizations ORDER BY created_at LIMIT 1") }
guard let orgID else { fatalError("no organisation: run logstag --mode server --create-owner first") }

var fixtures: [String: [String: [[String: JSONValue]]]] = [:]
for engine in ["postgresql", "redis"] { fixtures[engine] = try fixtureSignals(path: "\(options.fixtures)/\(engine).json") }
let tiers = ["postgresql": try signalsByTier(engine: "postgresql"), "redis": try signalsByTier(engine: "redis")]

// Three PostgreSQL instances for one Redis/Valkey, each bound to its own agent.
var instances: [Instance] = []
let agentID = "agent-bench"
try database.writer.write { db in
    try db.execute(sql: "INSERT OR IGNORE INTO agents (id, org_id, hostname, version, key_hash, created_at, last_seen_at) VALUES (?, ?, 'bench-host', 'bench', '-', ?, ?)",
                   arguments: [agentID, orgID, start.timeIntervalSince1970, end.timeIntervalSince1970])
}
for number in 0..<options.instances {
    let engine: Engine = number % 4 == 3 ? (number % 8 == 7 ? .valkey : .redis) : .postgresql
    let family = engine == .postgresql ? "postgresql" : "redis"
    let asset = Asset(id: "bench-\(number)", orgID: orgID, name: "\(family == "postgresql" ? "pg" : engine.rawValue)-\(number)", engine: engine,
                      environment: .production, ownerID: nil, createdBy: nil, createdAt: start)
    try AssetStore(database).create(asset)
    try database.writer.write { db in
        try db.execute(sql: "UPDATE assets SET agent_id = ? WHERE id = ?", arguments: [agentID, asset.id])
    }
    instances.append(Instance(asset: asset, number: number, dense: isDense(number), tiers: tiers[family]!, rows: fixtures[family]!))
}

// Payloads are grouped per transaction, 100 batches each, like the ingest queue does.
let ingest = IngestStore(database)
let retention = RetentionStore(database)
var pending: [IngestStore.Work] = []
var payloads = 0
// Production purges hourly; every 6 simulated hours ends in the same state and saves generation time.
let purgeInterval: TimeInterval = 6 * 3600
var nextPurge = start.addingTimeInterval(purgeInterval)
let clock = ContinuousClock()
let began = clock.now

@MainActor func flush(now: Date) throws {
    guard !pending.isEmpty else { return }
    _ = try ingest.ingest(pending, now: now)
    pending.removeAll(keepingCapacity: true)
}

try walkCollections(from: start, to: end, options: options) { t, dense, tiersDue in
    if t >= nextPurge {
        try flush(now: t)
        _ = try retention.purge(now: t, retention: .defaults)
        nextPurge = t.addingTimeInterval(purgeInterval)
        let done = t.timeIntervalSince(start) / end.timeIntervalSince(start)
        FileHandle.standardError.write("  \(Int(done * 100)) % of simulated time, \(payloads) payloads, \(clock.now - began)\n".data(using: .utf8)!)
    }
    for instance in instances where instance.dense == dense {
        let batch = IngestBatch(batchID: UUID().uuidString, agentVersion: "bench", hostname: "bench-host", sentAt: t,
                                payloads: tiersDue.map { payload(instance, tier: $0, at: t, origin: start, reset: reset) })
        pending.append(IngestStore.Work(agentID: agentID, orgID: orgID, idempotencyKey: UUID().uuidString, bodySHA256: "-", batch: batch))
        payloads += tiersDue.count
        if pending.count >= 100 { try flush(now: t) }
    }
}
try flush(now: end)
_ = try retention.purge(now: end, retention: .defaults)
try database.writer.write { db in
    try db.execute(sql: "UPDATE agents SET last_seen_at = ? WHERE id = ?", arguments: [Date().timeIntervalSince1970, agentID])
}
try database.writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
// The simulated period ends when generation started, an hour or so before the latency run:
// bench/explorers.sh reads this to start the server's clock there (else "the last hour" is empty).
try "\(Int(end.timeIntervalSince1970))\n".write(toFile: options.dataDir + "/bench-end", atomically: true, encoding: .utf8)
// The instances whose 7-day windows read every 1-minute rollup: the latency run times their pages.
try instances.filter(\.dense).map { $0.asset.id + "\n" }.joined()
    .write(toFile: options.dataDir + "/bench-dense", atomically: true, encoding: .utf8)

let elapsed = clock.now - began
let size = (try? FileManager.default.attributesOfItem(atPath: options.dataDir + "/logstag.sqlite")[.size] as? Int) ?? 0
let instanceDays = Double(options.instances) * options.days
print(String(format: "generated %d payloads for %d instances over %.1f days in %@ (%.0f payloads/s)",
             payloads, options.instances, options.days, "\(elapsed)", Double(payloads) / max(0.001, Double(elapsed.components.seconds))))
print(String(format: "database %@ = %@ per instance-day%@", megabytes(size), megabytes(Int(Double(size) / max(1, instanceDays))),
             options.calibrate ? " (production cadence)" : " (bench cadence, see --calibrate)"))

// Calibration only: what one instance costs once its data reached steady state, from the bytes
// per instance-hour each table group grows by at production cadence (dbstat), times how long the
// default retention keeps it. Snapshots are measured twice: as written (the dense last 25 hours)
// and after the purge thinned them to one an hour (what the rest of the raw period keeps).
if options.calibrate {
    let hours = options.days * 24 * Double(options.instances)
    func tableBytes() throws -> [String: Double] {
        try database.writer.read { db in
            var sizes: [String: Double] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT COALESCE(tbl_name, d.name) AS t, SUM(pgsize) AS bytes FROM dbstat d LEFT JOIN sqlite_schema s ON s.name = d.name GROUP BY t") {
                sizes[row["t"]] = row["bytes"]
            }
            return sizes
        }
    }
    let dense = try tableBytes()
    _ = try retention.purge(now: end.addingTimeInterval(RetentionStore.denseSnapshotPeriod + 60), retention: .defaults)
    try database.writer.writeWithoutTransaction { db in try db.execute(sql: "VACUUM") }
    let thinned = try tableBytes()
    let groups: [(name: String, tables: [String], keptHours: Double, measured: [String: Double])] = [
        ("raw points and statement samples (7 d)", ["points_raw", "statement_points"], 7 * 24, dense),
        ("ingest keys (8 d)", ["ingest_keys"], 8 * 24, dense),
        ("1-minute rollups (30 d)", ["points_minute"], 30 * 24, dense),
        ("hourly and daily rollups (30 d of the 400 kept)", ["points_hour", "statement_hours", "statement_days"], 30 * 24, dense),
        ("snapshots, every one (last 25 h)", ["snapshots"], RetentionStore.denseSnapshotPeriod / 3600, dense),
        ("snapshots, one an hour (rest of 7 d)", ["snapshots"], 7 * 24 - RetentionStore.denseSnapshotPeriod / 3600, thinned),
    ]
    var total = 0.0
    print("steady state of one instance after 30 days at default tiers and retention:")
    for group in groups {
        let perHour = group.tables.reduce(0) { $0 + (group.measured[$1] ?? 0) } / max(1, hours)
        total += perHour * group.keptHours
        let name = group.name.padding(toLength: 50, withPad: " ", startingAt: 0)
        print(name + String(format: " %8.1f KB per hour x %5.0f h = ", perHour / 1024, group.keptHours) + megabytes(Int(perHour * group.keptHours)))
    }
    print("  = \(megabytes(Int(total))) per instance (\(megabytes(Int(total / 30))) per instance-day); 200 instances: \(megabytes(Int(total * 200)))")
}
