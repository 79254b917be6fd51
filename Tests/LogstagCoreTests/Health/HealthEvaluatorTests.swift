import Foundation
import Testing
import LogstagCore

struct HealthEvaluatorTests {
    static let now = Date(timeIntervalSince1970: 1_750_000_000)

    static let catalogue = """
        [catalogue]
        engines = ["postgresql"]
        version = 1
        tabs = ["Configuration", "Schema", "Performance", "Security", "Maintenance"]
        tiers = ["low"]
        settings_signal = "pg_settings"
        settings_name = "name"
        settings_value = "setting"

        [rules.dead_tuples]
        tab = "Maintenance"
        title = "Tables with many dead tuples"
        signals = ["pg_tables"]
        scope = "table"
        rows = "pg_tables"
        where = "n_live_tup > 0"
        value = "n_dead_tup * 100 / n_live_tup"
        attention_above = 10
        critical_above = 20
        unit = "percent"
        show = ["tag_schema", "tag_table", "n_dead_tup"]
        insight = "Dead tuples bloat tables."
        actions = ["VACUUM (ANALYZE) <table>;"]
        effort_days = 0.5

        [rules.fsync_off]
        tab = "Configuration"
        title = "fsync is off"
        signals = ["pg_settings"]
        scope = "setting"
        rows = "pg_settings"
        where = "name == 'fsync'"
        value = "setting"
        critical_when = "value == 'off'"
        unit = "text"
        show = ["name", "setting"]
        object = "name"
        insight = "Crash safety."
        actions = ["ALTER SYSTEM SET fsync = on;"]
        effort_days = 0.25

        [rules.inactive_slots]
        tab = "Maintenance"
        title = "Inactive replication slots"
        signals = ["pg_replication_slots"]
        scope = "slot"
        rows = "pg_replication_slots"
        where = "active == false"
        value = "retained_bytes"
        attention_above = 0
        when_empty = "no_data"
        unit = "bytes"
        insight = "Slots retain WAL."
        actions = []
        effort_days = 0.25

        [rules.database_size]
        tab = "Schema"
        title = "Large total table size"
        signals = ["pg_tables"]
        scope = "instance"
        value = "sum('pg_tables', 'size')"
        attention_above = 1073741824
        critical_above = 10737418240
        unit = "bytes"
        insight = "Big."
        actions = ["Archive old data."]
        effort_days = 2

        [rules.superusers]
        tab = "Security"
        title = "Too many superusers"
        signals = ["pg_roles"]
        scope = "role"
        value = "count('pg_roles', 'superuser')"
        attention_above = 1
        unit = "count"
        insight = "Least privilege."
        actions = []
        effort_days = 0.5

        [rules.statements]
        tab = "Performance"
        title = "Slow statements"
        signals = ["pg_stat_statements"]
        scope = "query"
        rows = "pg_stat_statements"
        value = "mean_ms"
        attention_above = 100
        unit = "ms"
        insight = "Slow."
        actions = []
        effort_days = 1

        [rules.scan_growth]
        tab = "Performance"
        title = "Sequential scans grow"
        signals = ["pg_tables"]
        scope = "table"
        rows = "pg_tables"
        value = "delta(seq_scan)"
        attention_above = 1000
        unit = "count"
        insight = "Missing indexes."
        actions = []
        effort_days = 1

        [rules.low_hit_ratio]
        tab = "Performance"
        title = "Low cache hit ratio"
        signals = ["pg_database"]
        scope = "instance"
        value = "first('pg_database', 'hit_ratio')"
        attention_below = 99
        critical_below = 90
        unit = "percent"
        result = "{value} of reads from cache"
        insight = "Reads hit the disk."
        actions = []
        effort_days = 1
        """

    static func table(_ name: String, live: Double, dead: Double, seqScan: Double = 0, schema: String = "public") -> [String: JSONValue] {
        ["tag_schema": .string(schema), "tag_table": .string(name), "n_live_tup": .number(live), "n_dead_tup": .number(dead),
         "seq_scan": .number(seqScan), "size": 1024]
    }

    static func snapshot(_ signals: [ObservedSignal]) -> HealthSnapshot {
        HealthSnapshot(signals, now: now, windowStart: now - 3600)
    }

    static var healthySignals: [ObservedSignal] {
        [
            ObservedSignal(
                name: "pg_tables", collectedAt: now - 60,
                rows: [table("orders", live: 1000, dead: 50), table("empty", live: 0, dead: 0), table("users", live: 100, dead: 1)],
                baseline: [table("orders", live: 1000, dead: 50, seqScan: 0)], baselineAt: now - 3000),
            ObservedSignal(name: "pg_settings", collectedAt: now - 60, rows: [["name": "fsync", "setting": "on"]]),
            ObservedSignal(
                name: "pg_replication_slots", collectedAt: now - 60,
                rows: [["tag_slot": "s1", "active": false, "retained_bytes": 0]]),
            ObservedSignal(name: "pg_roles", collectedAt: now - 60, rows: [["tag_role": "postgres", "superuser": true], ["tag_role": "app", "superuser": false]]),
            ObservedSignal(name: "pg_stat_statements", collectedAt: now - 60, rows: [["tag_queryid": "1", "mean_ms": 5]]),
            ObservedSignal(name: "pg_database", collectedAt: now - 60, rows: [["hit_ratio": 99.5]]),
        ]
    }

    func outcomes(_ signals: [ObservedSignal]) throws -> [String: RuleOutcome] {
        let catalogue = try HealthCatalogue.parse(Self.catalogue)
        let outcomes = HealthEvaluator(catalogue: catalogue).evaluate(Self.snapshot(signals))
        #expect(outcomes.count == catalogue.rules.count)
        return Dictionary(uniqueKeysWithValues: zip(catalogue.rules.map(\.id), outcomes))
    }

    func replacing(_ name: String, _ change: (inout ObservedSignal) -> Void) -> [ObservedSignal] {
        Self.healthySignals.map { signal in
            var signal = signal
            if signal.name == name { change(&signal) }
            return signal
        }
    }

    @Test func healthySnapshotGivesHealthyFindings() throws {
        let outcomes = try outcomes(Self.healthySignals)
        for (id, outcome) in outcomes where id != "scan_growth" {
            let finding = try #require(outcome.finding, "\(id): \(outcome)")
            #expect(finding.status == .healthy, "\(id)")
            #expect(finding.effortDays == nil, "\(id)")
            #expect(finding.table == ResultTable(), "\(id)")
            #expect(finding.objects.isEmpty, "\(id)")
        }
        let dead = try #require(outcomes["dead_tuples"]?.finding)
        #expect(dead.result == "No tables above the threshold (2 checked)")
        #expect(dead.value == 5)
        #expect(dead.threshold == "attention above 10 %, critical above 20 %")
        #expect(dead.evidence.contains("pg_tables collected 2025-06-15 15:05:40 UTC"))
        #expect(dead.evidence.contains("2 rows evaluated"))
        #expect(dead.actions == ["VACUUM (ANALYZE) <table>;"])
        #expect(dead.scope == "table")
        #expect(dead.signals == ["pg_tables"])
        #expect(outcomes["fsync_off"]?.finding?.threshold == "critical when value == 'off'")
        #expect(outcomes["low_hit_ratio"]?.finding?.result == "99.5 % of reads from cache")
        #expect(outcomes["superusers"]?.finding?.result == "1")
        #expect(outcomes["database_size"]?.finding?.result == "3 KB")
    }

    @Test func rowRuleTakesTheWorstRowAndListsOffenders() throws {
        let outcomes = try outcomes(replacing("pg_tables") {
            $0.rows = [
                Self.table("orders", live: 1000, dead: 150), Self.table("users", live: 100, dead: 30),
                Self.table("items", live: 100, dead: 12), Self.table("ok", live: 100, dead: 1),
            ]
        })
        let finding = try #require(outcomes["dead_tuples"]?.finding)
        #expect(finding.status == .critical)
        #expect(finding.value == 30)
        #expect(finding.result == "3 of 4 tables: worst 30 %")
        #expect(finding.effortDays == 0.5)
        #expect(finding.table.columns == ["tag_schema", "tag_table", "n_dead_tup", "value"])
        #expect(finding.table.rows.map { $0[1] } == ["users", "orders", "items"])
        #expect(finding.table.rows[0] == ["public", "users", 30, 30])
        #expect(finding.table.totalRows == 3)
        #expect(finding.objects == ["public.users", "public.orders", "public.items"])
        #expect(finding.evidence.contains("4 rows evaluated, 3 beyond the threshold; worst value 30 %"))
    }

    @Test func attentionWhenNoRowIsCritical() throws {
        let outcomes = try outcomes(replacing("pg_tables") { $0.rows = [Self.table("orders", live: 100, dead: 15)] })
        let finding = try #require(outcomes["dead_tuples"]?.finding)
        #expect(finding.status == .attention)
        #expect(finding.result == "1 table: 15 %")
    }

    @Test func resultTableIsCappedButObjectsAreNot() throws {
        let rows = (0..<150).map { Self.table("t\($0)", live: 100, dead: Double(11 + $0 % 50)) }
        let outcomes = try outcomes(replacing("pg_tables") { $0.rows = rows })
        let finding = try #require(outcomes["dead_tuples"]?.finding)
        #expect(finding.table.rows.count == ResultTable.maxRows)
        #expect(finding.table.totalRows == 150)
        #expect(finding.objects.count == 150)
        let values = finding.table.rows.compactMap { $0.last?.doubleValue }
        #expect(values == values.sorted(by: >))
        #expect(values.first == 60)
    }

    @Test func textConditionRule() throws {
        let outcomes = try outcomes(replacing("pg_settings") { $0.rows = [["name": "fsync", "setting": "off"], ["name": "x", "setting": "off"]] })
        let finding = try #require(outcomes["fsync_off"]?.finding)
        #expect(finding.status == .critical)
        #expect(finding.result == "1 setting: off")
        #expect(finding.objects == ["fsync"])
        #expect(finding.value == "off")
    }

    @Test func whenEmptyHealthyAndNoData() throws {
        let withoutFsync = try outcomes(replacing("pg_settings") { $0.rows = [["name": "work_mem", "setting": "4096"]] })
        let fsync = try #require(withoutFsync["fsync_off"]?.finding)
        #expect(fsync.status == .healthy)
        #expect(fsync.value == Optional<JSONValue>.none)
        let allActive = try outcomes(replacing("pg_replication_slots") { $0.rows = [["tag_slot": "s1", "active": true, "retained_bytes": 5]] })
        let slots = try #require(allActive["inactive_slots"]?.limitation)
        #expect(slots.reason == .noData)
        #expect(slots.message.contains("active == false"))
    }

    @Test func unavailableSignalIsALimitationWithItsMessage() throws {
        let outcomes = try outcomes(replacing("pg_stat_statements") {
            $0.status = .unavailable
            $0.reason = .permission
            $0.message = "GRANT pg_read_all_stats TO logstag;"
            $0.rows = []
        })
        let limitation = try #require(outcomes["statements"]?.limitation)
        #expect(limitation.reason == .permission)
        #expect(limitation.message == "GRANT pg_read_all_stats TO logstag;")
        #expect(limitation.ruleID == "statements")
        #expect(limitation.tab == .performance)
        #expect(limitation.signals == ["pg_stat_statements"])
        let withoutMessage = try self.outcomes(replacing("pg_roles") {
            $0.status = .unavailable
            $0.reason = .unsupported
        })
        let roles = try #require(withoutMessage["superusers"]?.limitation)
        #expect(roles.reason == .unsupported)
        #expect(roles.message.contains("pg_roles"))
        #expect(roles.message.contains("version or edition"))
    }

    @Test func neverCollectedSignalIsNoData() throws {
        let outcomes = try outcomes(Self.healthySignals.filter { $0.name != "pg_roles" })
        let limitation = try #require(outcomes["superusers"]?.limitation)
        #expect(limitation.reason == .noData)
        #expect(limitation.message.contains("pg_roles has not been collected"))
    }

    @Test func nullValuesAreNoData() throws {
        let outcomes = try outcomes(replacing("pg_database") { $0.rows = [["hit_ratio": .null]] })
        #expect(outcomes["low_hit_ratio"]?.limitation?.reason == .noData)
        // Without baseline rows delta() is null for every row: no row could be evaluated.
        let noBaseline = try self.outcomes(replacing("pg_tables") { $0.baseline = nil })
        let growth = try #require(noBaseline["scan_growth"]?.limitation)
        #expect(growth.reason == .noData)
        #expect(growth.message.contains("earlier snapshot"))
    }

    @Test func deltaRuleUsesTheBaseline() throws {
        let outcomes = try outcomes(replacing("pg_tables") {
            $0.rows = [Self.table("orders", live: 1, dead: 0, seqScan: 5000), Self.table("users", live: 1, dead: 0, seqScan: 10)]
            $0.baseline = [Self.table("orders", live: 1, dead: 0, seqScan: 1000), Self.table("users", live: 1, dead: 0, seqScan: 5)]
        })
        let finding = try #require(outcomes["scan_growth"]?.finding)
        #expect(finding.status == .attention)
        #expect(finding.value == 4000)
        #expect(finding.objects == ["public.orders"])
        #expect(finding.evidence.contains("compared with"))
    }

    @Test func instanceRuleBelowThresholds() throws {
        let outcomes = try outcomes(replacing("pg_database") { $0.rows = [["hit_ratio": 85.25]] })
        let finding = try #require(outcomes["low_hit_ratio"]?.finding)
        #expect(finding.status == .critical)
        #expect(finding.result == "85.3 % of reads from cache")
        #expect(finding.threshold == "attention below 99 %, critical below 90 %")
        #expect(finding.evidence.contains("measured value 85.3 %"))
    }

    /// 5,000 table rows and 20,000 index rows through 60 rules, each rule parsed once.
    @Test func evaluatesALargeSnapshotQuickly() throws {
        var text = """
            [catalogue]
            engines = ["postgresql"]
            version = 1
            tabs = ["Schema", "Performance", "Maintenance"]
            tiers = ["schema"]

            """
        for index in 0..<60 {
            let onIndexes = index % 2 == 0
            text += """

                [rules.rule_\(index)]
                tab = "\(["Schema", "Performance", "Maintenance"][index % 3])"
                title = "Rule \(index)"
                signals = ["\(onIndexes ? "pg_indexes" : "pg_tables")", "pg_tables"]
                scope = "\(onIndexes ? "index" : "table")"
                rows = "\(onIndexes ? "pg_indexes" : "pg_tables")"
                where = "size > \(index) and tag_schema != 'pg_catalog'"
                value = "\(onIndexes ? "delta(idx_scan) + size / greatest(count('pg_tables', 'size > 10'), 1)" : "n_dead_tup * 100 / greatest(n_live_tup, 1)")"
                attention_above = \(50 + index)
                critical_above = \(90 + index)
                unit = "count"
                show = ["tag_schema", "tag_table"]
                insight = "x"
                actions = []
                effort_days = 1

                """
        }
        let catalogue = try HealthCatalogue.parse(text)
        let tables = (0..<5000).map { index -> [String: JSONValue] in
            ["tag_schema": "public", "tag_table": .string("t\(index)"), "size": .number(Double(index)), "n_dead_tup": .number(Double(index % 100)), "n_live_tup": 100]
        }
        let indexes = (0..<20_000).map { index -> [String: JSONValue] in
            ["tag_schema": "public", "tag_table": .string("t\(index / 4)"), "tag_index": .string("i\(index)"), "size": .number(Double(index)), "idx_scan": .number(Double(index * 2))]
        }
        let baseline = indexes.map { row -> [String: JSONValue] in
            var row = row
            row["idx_scan"] = .number((row["idx_scan"]?.doubleValue ?? 0) / 2)
            return row
        }
        let snapshot = Self.snapshot([
            ObservedSignal(name: "pg_tables", collectedAt: Self.now, rows: tables),
            ObservedSignal(name: "pg_indexes", collectedAt: Self.now, rows: indexes, baseline: baseline, baselineAt: Self.now - 600),
        ])
        let clock = ContinuousClock()
        var outcomes: [RuleOutcome] = []
        let elapsed = clock.measure { outcomes = HealthEvaluator(catalogue: catalogue).evaluate(snapshot) }
        #expect(outcomes.count == 60)
        #expect(outcomes.allSatisfy { $0.finding != nil })
        // Debug builds are several times slower than release; the release budget is 2 s.
        #expect(elapsed < .seconds(20), "took \(elapsed)")
        print("health evaluation of 25,000 rows through 60 rules: \(elapsed)")
    }
}
