import Foundation
import Testing
import LogstagCore

struct HealthReportBuilderTests {
    static let now = Date(timeIntervalSince1970: 1_750_000_000)

    static let catalogueText = """
        [catalogue]
        engines = ["postgresql"]
        version = 7
        tabs = ["Configuration", "Schema", "Performance", "Security", "Maintenance"]
        tiers = ["schema"]
        settings_signal = "pg_settings"
        settings_name = "name"
        settings_value = "setting"

        [scope.tables]
        signal = "pg_tables"
        kind = "table"
        name = "tag_schema || '.' || tag_table"

        [scope.roles]
        signal = "pg_roles"
        kind = "role"
        name = "tag_role"

        [rules.big_tables]
        tab = "Schema"
        title = "Big tables"
        signals = ["pg_tables"]
        scope = "table"
        rows = "pg_tables"
        value = "size"
        attention_above = 100
        critical_above = 1000
        unit = "bytes"
        show = ["tag_schema", "tag_table"]
        insight = "Big."
        actions = ["Partition it."]
        effort_days = 3

        [rules.slow_config]
        tab = "Configuration"
        title = "work_mem is small"
        signals = ["pg_settings"]
        scope = "setting"
        value = "number(setting('work_mem'))"
        attention_below = 8192
        unit = "count"
        insight = "Sorts spill."
        actions = ["ALTER SYSTEM SET work_mem = '16MB';"]
        effort_days = 0.25

        [rules.superusers]
        tab = "Security"
        title = "Superusers"
        signals = ["pg_roles"]
        scope = "role"
        rows = "pg_roles"
        value = "superuser"
        attention_when = "value == true"
        unit = "bool"
        show = ["tag_role"]
        insight = "Least privilege."
        actions = ["ALTER ROLE <role> NOSUPERUSER;"]
        effort_days = 0.5
        recommendation = "optimization"

        [rules.statements]
        tab = "Performance"
        title = "Slow statements"
        signals = ["pg_stat_statements"]
        scope = "query"
        value = "max('pg_stat_statements', 'mean_ms')"
        attention_above = 100
        unit = "ms"
        insight = "Slow."
        actions = []
        effort_days = 1
        """

    static func context(runID: String = "run-2") -> HealthReportContext {
        HealthReportContext(
            runID: runID, assetID: "asset-1", instanceName: "shop-db", engine: .postgresql, version: "16.2", platform: "linux",
            trigger: "manual", startedAt: now - 90, finishedAt: now - 30, generatedAt: now - 20)
    }

    static func signals(tables: [[String: JSONValue]], workMem: String = "4096", superusers: [String] = ["postgres"]) -> HealthSnapshot {
        HealthSnapshot(
            [
                ObservedSignal(name: "pg_tables", collectedAt: now - 60, rows: tables),
                ObservedSignal(name: "pg_settings", collectedAt: now - 60, rows: [["name": "work_mem", "setting": .string(workMem)], ["name": "fsync", "setting": "on"]]),
                ObservedSignal(
                    name: "pg_roles", collectedAt: now - 60,
                    rows: (["app"] + superusers).map { ["tag_role": .string($0), "superuser": .bool($0 != "app"), "last_login": "2025-06-01T00:00:00Z"] }),
                ObservedSignal(name: "pg_stat_statements", status: .unavailable, reason: .permission, message: "GRANT pg_read_all_stats TO logstag;", collectedAt: now - 60),
            ], now: now, windowStart: now - 3600)
    }

    static func table(_ name: String, size: Double, owner: String = "app") -> [String: JSONValue] {
        ["tag_schema": "public", "tag_table": .string(name), "size": .number(size), "owner": .string(owner), "n_live_tup": .number(size * 3)]
    }

    static func build(_ snapshot: HealthSnapshot, previous: HealthReport? = nil, runID: String = "run-2") throws -> HealthReport {
        HealthReportBuilder.build(
            context: context(runID: runID), catalogue: try HealthCatalogue.parse(catalogueText), snapshot: snapshot, charts: [], previous: previous)
    }

    @Test func headerFindingsAndRecommendations() throws {
        let report = try Self.build(Self.signals(tables: [Self.table("orders", size: 5000), Self.table("users", size: 10)]))
        let header = report.header
        #expect(header.runID == "run-2")
        #expect(header.instanceName == "shop-db")
        #expect(header.runStatus == .completed)
        #expect(header.durationSeconds == 60)
        #expect(header.windowStart == Self.now - 3600)
        #expect(header.windowEnd == Self.now)
        #expect(header.catalogueVersion == 7)
        #expect(header.criticalCount == 1)
        #expect(header.attentionCount == 2)
        // Critical first, then Attention in tab order (Configuration before Security).
        #expect(report.findings.map(\.ruleID) == ["big_tables", "slow_config", "superusers"])
        #expect(report.findings.map(\.status) == [.critical, .attention, .attention])
        #expect(report.limitations.map(\.ruleID) == ["statements"])
        #expect(report.limitations.first?.message == "GRANT pg_read_all_stats TO logstag;")
        #expect(report.recommendations.map(\.group) == [.critical, .optimization, .optimization])
        #expect(report.recommendations.first?.actions == ["Partition it."])
        #expect(report.recommendations.first?.effortDays == 3)
        #expect(report.score == HealthScoring.score(report.findings, limitations: report.limitations))
        #expect(header.overallScore == report.score.overall)
        #expect(header.result == report.score.result)
    }

    @Test func attentionDefaultsToTheTabsGroup() throws {
        let report = try Self.build(Self.signals(tables: [Self.table("orders", size: 500)], workMem: "65536", superusers: []))
        #expect(report.findings.map(\.status) == [.attention, .healthy, .healthy])
        // Schema Attention without a recommendation key: Strategic.
        #expect(report.recommendations.map(\.group) == [.strategic])
    }

    @Test func unfinishedRunUsesGeneratedTime() throws {
        var context = Self.context()
        context.finishedAt = nil
        let report = HealthReportBuilder.build(
            context: context, catalogue: try HealthCatalogue.parse(Self.catalogueText), snapshot: Self.signals(tables: []), charts: [], previous: nil)
        #expect(report.header.runStatus == .generatingReport)
        #expect(report.header.durationSeconds == 70)
        #expect(report.findings.allSatisfy { $0.delta == nil })
    }

    @Test func scopeListsObjectsSortedWithCountsAndSettings() throws {
        let report = try Self.build(Self.signals(tables: [Self.table("b", size: 1), Self.table("a", size: 1)]))
        #expect(report.scope.objects.map { "\($0.kind):\($0.name)" } == ["role:app", "role:postgres", "table:public.a", "table:public.b"])
        #expect(report.scope.counts == [ScopeCount(kind: "role", count: 2), ScopeCount(kind: "table", count: 2)])
        #expect(report.scope.totalObjects == 4)
        #expect(!report.scope.truncated)
        #expect(report.scope.settings == [ScopeSetting(name: "fsync", value: "on"), ScopeSetting(name: "work_mem", value: "4096")])
        #expect(report.scope.objects.allSatisfy { $0.fingerprint.count == 8 })
    }

    @Test func fingerprintIgnoresCountersButNotDefinitions() throws {
        let first = try Self.build(Self.signals(tables: [Self.table("a", size: 1)]))
        let grown = try Self.build(Self.signals(tables: [Self.table("a", size: 999)]))
        let newOwner = try Self.build(Self.signals(tables: [Self.table("a", size: 1, owner: "admin")]))
        let fingerprint = { (report: HealthReport) in report.scope.objects.first { $0.kind == "table" }?.fingerprint }
        #expect(fingerprint(first) == fingerprint(grown))
        #expect(fingerprint(first) != fingerprint(newOwner))
    }

    @Test func scopeIsCappedAtFiveThousand() throws {
        let tables = (0..<5200).map { Self.table(String(format: "t%05d", $0), size: 1) }
        let report = try Self.build(Self.signals(tables: tables))
        #expect(report.scope.objects.count == ReportScope.maxObjects)
        #expect(report.scope.totalObjects == 5202)
        #expect(report.scope.truncated)
        #expect(report.scope.counts == [ScopeCount(kind: "role", count: 2), ScopeCount(kind: "table", count: 5200)])
        #expect(report.scope.objects.first?.name == "app")
        #expect(report.scope.objects.last?.name == "public.t04997")
    }

    @Test func settingsFromASettingsRowSignal() throws {
        let text = """
            [catalogue]
            engines = ["redis", "valkey"]
            version = 1
            tabs = ["Configuration"]
            tiers = ["low"]
            settings_row_signal = "redis_config"

            [rules.no_maxmemory]
            tab = "Configuration"
            title = "No memory limit"
            signals = ["redis_config"]
            scope = "instance"
            value = "number(setting('maxmemory'))"
            attention_when = "value == 0"
            unit = "bytes"
            insight = "OOM."
            actions = ["CONFIG SET maxmemory 4gb"]
            effort_days = 0.25
            """
        let snapshot = HealthSnapshot(
            [ObservedSignal(name: "redis_config", collectedAt: Self.now, rows: [["maxmemory": 0, "maxmemory_policy": "noeviction", "appendonly": false, "extra": ["x"]]])],
            now: Self.now, windowStart: Self.now - 600)
        let report = HealthReportBuilder.build(
            context: Self.context(), catalogue: try HealthCatalogue.parse(text), snapshot: snapshot, charts: [], previous: nil)
        #expect(report.scope.settings == [
            ScopeSetting(name: "appendonly", value: "false"), ScopeSetting(name: "maxmemory", value: "0"),
            ScopeSetting(name: "maxmemory_policy", value: "noeviction"),
        ])
        #expect(report.findings.first?.status == .attention)
        #expect(report.scope.objects.isEmpty)
    }

    @Test func deltasAgainstThePreviousReport() throws {
        let previous = try Self.build(
            Self.signals(tables: [Self.table("orders", size: 5000), Self.table("old", size: 2000)], workMem: "65536", superusers: ["postgres", "root"]),
            runID: "run-1")
        let current = try Self.build(
            Self.signals(tables: [Self.table("orders", size: 5000), Self.table("new", size: 3000), Self.table("x", size: 4000)], workMem: "4096"),
            previous: previous)
        let byRule = Dictionary(uniqueKeysWithValues: current.findings.map { ($0.ruleID, $0) })
        let big = try #require(byRule["big_tables"]?.delta)
        #expect(big.previousRunID == "run-1")
        #expect(big.previousStatus == .critical)
        #expect(big.change == .worse)  // three offending tables instead of two
        #expect(big.objectsAdded == 2)
        #expect(big.objectsRemoved == 1)
        let config = try #require(byRule["slow_config"]?.delta)
        #expect(config.previousStatus == .healthy)
        #expect(config.previousValue == 65536)
        #expect(config.change == .worse)
        let roles = try #require(byRule["superusers"]?.delta)
        #expect(roles.change == .better)
        #expect(roles.objectsRemoved == 1)
        #expect(roles.objectsAdded == 0)
    }

    @Test func sameStatusComparesTheValueByDirection() throws {
        let previous = try Self.build(Self.signals(tables: [Self.table("orders", size: 5000)]), runID: "run-1")
        let bigger = try Self.build(Self.signals(tables: [Self.table("orders", size: 9000)]), previous: previous)
        let same = try Self.build(Self.signals(tables: [Self.table("orders", size: 5000)]), previous: previous)
        let smaller = try Self.build(Self.signals(tables: [Self.table("orders", size: 2000)]), previous: previous)
        let change = { (report: HealthReport) in report.findings.first { $0.ruleID == "big_tables" }?.delta?.change }
        #expect(change(bigger) == .worse)
        #expect(change(same) == .unchanged)
        #expect(change(smaller) == .better)
    }

    @Test func ruleWithoutPreviousFindingIsNew() throws {
        var previous = try Self.build(Self.signals(tables: [Self.table("orders", size: 5000)]), runID: "run-1")
        previous.findings.removeAll { $0.ruleID == "big_tables" }
        let current = try Self.build(Self.signals(tables: [Self.table("orders", size: 5000)]), previous: previous)
        let delta = try #require(current.findings.first { $0.ruleID == "big_tables" }?.delta)
        #expect(delta.change == .new)
        #expect(delta.previousStatus == nil)
        #expect(delta.objectsAdded == 1)
    }
}
