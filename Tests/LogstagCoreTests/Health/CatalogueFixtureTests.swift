import Foundation
import LogstagCore
import LogstagResources
import Testing

/// Every bundled health catalogue against its collector manifest and its per-rule fixtures
/// (`Fixtures/health/<engine>.json`: for each rule id a healthy, attention, critical and
/// unavailable case; attention/critical are null exactly when the rule has no such level).
///
/// A case is `{"signals": {"<signal>": [rows] | {"unavailable": "<reason>"}}, "baseline":
/// {"<signal>": [rows]}}`; it is evaluated at `now` with the baseline one hour earlier.
@Suite("Health catalogues: manifests and fixtures")
struct CatalogueFixtureTests {
    /// Catalogue files bundled under Resources/health, by collector folder name ("postgresql", "redis").
    static let catalogueNames: [String] = BundledResources.paths(under: "health/")
        .filter { $0.hasSuffix(".toml") }
        .map { String($0.dropFirst("health/".count).dropLast(".toml".count)) }

    /// Columns of the agent's own signal (AgentRuntime.selfMonitoringSignal).
    static let agentSelfColumns: Set<String> = [
        "spool_bytes", "spool_batches", "collections", "skipped_ticks", "connects", "failed_connects", "connection_losses",
        "rss_bytes", "host_memory_bytes", "cpu_seconds", "sent_batches", "retries", "poisoned_batches", "dropped_batches",
        "credentials_rejected", "last_delivery_error",
    ]

    static let now = Date(timeIntervalSince1970: 1_780_315_200)  // 2026-06-01T12:00:00Z
    static let baselineAt = now.addingTimeInterval(-3600)

    static func catalogue(_ name: String) throws -> HealthCatalogue {
        let text = try #require(BundledResources.text("health/\(name).toml"), "health/\(name).toml is not bundled")
        return try HealthCatalogue.parse(text)
    }

    /// Signal name -> the row keys it can carry (labels also as tag_<name>, as the agent sends them).
    static func manifestColumns(_ name: String) throws -> [String: Set<String>] {
        let text = try #require(BundledResources.text("collectors/\(name)/manifest.toml"), "collectors/\(name)/manifest.toml is not bundled")
        let document = try TOMLDocument.parse(text)
        var signals: [String: Set<String>] = ["agent_self": agentSelfColumns]
        for table in document.tables where table.path.first == "signals" {
            if table.path.count == 2 { signals[table.path[1], default: []].formUnion([]) }
            guard table.path.count == 3, ["columns", "fields"].contains(table.path[2]) else { continue }
            for entry in table.entries {
                signals[table.path[1], default: []].insert(entry.key)
                if entry.value == .string("label"), !entry.key.hasPrefix("tag_") { signals[table.path[1], default: []].insert("tag_" + entry.key) }
            }
        }
        return signals
    }

    @Test("every bundled catalogue parses", arguments: catalogueNames)
    func parses(name: String) throws {
        let catalogue = try Self.catalogue(name)
        #expect(!catalogue.rules.isEmpty)
        #expect(Set(catalogue.rules.map(\.id)).count == catalogue.rules.count, "duplicate rule ids in \(name)")
    }

    @Test("every signal and column a catalogue reads exists in the engine's collector manifest", arguments: catalogueNames)
    func signalsAndColumnsExist(name: String) throws {
        let catalogue = try Self.catalogue(name)
        let manifest = try Self.manifestColumns(name)
        func check(_ signal: String, _ column: String?, _ context: String) {
            guard let columns = manifest[signal] else {
                Issue.record("\(name): \(context) reads signal \(signal), which collectors/\(name)/manifest.toml does not declare")
                return
            }
            if let column, !columns.contains(column) {
                Issue.record("\(name): \(context) reads \(signal).\(column), which is not a column of \(signal)")
            }
        }
        for rule in catalogue.rules {
            for signal in rule.signals { check(signal, nil, "rule \(rule.id)") }
            if let rows = rule.rows {
                for column in rule.show { check(rows, column, "rule \(rule.id) show") }
            }
            var expressions = [rule.value] + [rule.filter, rule.object].compactMap { $0 }
            for threshold in [rule.attention, rule.critical] {
                if case .when(let condition, _) = threshold { expressions.append(condition) }
            }
            for expression in expressions {
                for (signal, column) in Self.columnsRead(expression, rowSignal: rule.rows) { check(signal, column, "rule \(rule.id)") }
            }
        }
        for chart in catalogue.charts {
            check(chart.signal, chart.column, "chart \(chart.id)")
        }
        for scope in catalogue.scopes {
            check(scope.signal, nil, "scope \(scope.id)")
            for (signal, column) in Self.columnsRead(scope.name, rowSignal: scope.signal) { check(signal, column, "scope \(scope.id)") }
        }
        if let settings = catalogue.settings {
            check(settings.signal, settings.nameColumn, "settings")
            check(settings.signal, settings.valueColumn, "settings")
        }
    }

    @Test("PostgreSQL has at least 40 rules over all five tabs")
    func postgresqlCoverage() throws {
        let catalogue = try Self.catalogue("postgresql")
        #expect(catalogue.rules.count >= 40)
        #expect(Set(catalogue.rules.map(\.tab)) == Set(HealthTab.allCases))
    }

    @Test("Redis/Valkey has at least 20 rules, on the Configuration, Performance and Schema tabs only")
    func redisCoverage() throws {
        let catalogue = try Self.catalogue("redis")
        #expect(catalogue.rules.count >= 20)
        #expect(Set(catalogue.engines) == [.redis, .valkey])
        #expect(Set(catalogue.rules.map(\.tab)) == [.configuration, .performance, .schema])
        #expect(catalogue.settingsRowSignal == "redis_config")
    }

    @Test("every rule has fixtures, and each fixture case evaluates to its named outcome", arguments: catalogueNames)
    func fixturesEvaluate(name: String) throws {
        let catalogue = try Self.catalogue(name)
        let fixtures = try Self.fixtures(name)
        let ruleIDs = Set(catalogue.rules.map(\.id))
        for stale in fixtures.keys where !ruleIDs.contains(stale) {
            Issue.record("\(name).json has fixtures for \(stale), which is not a rule of health/\(name).toml")
        }
        for rule in catalogue.rules {
            guard case .object(let cases)? = fixtures[rule.id] else {
                Issue.record("rule \(rule.id) of \(name) has no fixtures")
                continue
            }
            let levels: [(String, FindingStatus?, Bool)] = [
                ("healthy", .healthy, true), ("attention", .attention, rule.attention != nil),
                ("critical", .critical, rule.critical != nil), ("unavailable", nil, true),
            ]
            for (level, status, required) in levels {
                let fixture = cases[level] ?? .null
                guard required else {
                    #expect(fixture == .null, "rule \(rule.id): the \(level) case must be null, the rule has no \(level) threshold")
                    continue
                }
                guard fixture != .null else {
                    Issue.record("rule \(rule.id): the \(level) case is missing")
                    continue
                }
                let (snapshot, unavailableReason) = try Self.snapshot(fixture, rule: rule.id, level: level)
                let outcomes = HealthEvaluator(catalogue: catalogue).evaluate(snapshot)
                let outcome = try #require(outcomes.first { Self.ruleID(of: $0) == rule.id })
                switch (outcome, status) {
                case (.finding(let finding), let expected?):
                    #expect(finding.status == expected, "rule \(rule.id), \(level) case: got \(finding.status.rawValue) (\(finding.result))")
                    if expected != .healthy, rule.rows != nil {
                        #expect(!finding.objects.isEmpty && finding.table.totalRows > 0, "rule \(rule.id), \(level) case names no object")
                    }
                case (.limitation(let limitation), let expected?):
                    Issue.record("rule \(rule.id), \(level) case: expected \(expected.rawValue), got a limitation (\(limitation.reason.rawValue): \(limitation.message))")
                case (.finding(let finding), nil):
                    Issue.record("rule \(rule.id), unavailable case: expected a coverage limitation, got \(finding.status.rawValue)")
                case (.limitation(let limitation), nil):
                    if let unavailableReason {
                        #expect(limitation.reason.rawValue == unavailableReason, "rule \(rule.id): limitation reason \(limitation.reason.rawValue)")
                    }
                }
            }
        }
    }

    // MARK: - Helpers

    static func ruleID(of outcome: RuleOutcome) -> String {
        switch outcome {
        case .finding(let finding): finding.ruleID
        case .limitation(let limitation): limitation.ruleID
        }
    }

    static func fixtures(_ name: String) throws -> [String: JSONValue] {
        let data = try Fixture.data("health/\(name).json")
        guard case .object(let fixtures) = try JSONDecoder().decode(JSONValue.self, from: data) else {
            throw FixtureError("health/\(name).json is not an object of rule ids")
        }
        return fixtures
    }

    /// The snapshot a fixture case describes, and the reason of its unavailable signal, if any.
    static func snapshot(_ fixture: JSONValue, rule: String, level: String) throws -> (HealthSnapshot, String?) {
        guard case .object(let body) = fixture, case .object(let signals)? = body["signals"] else {
            throw FixtureError("rule \(rule), \(level) case: no \"signals\" object")
        }
        var baselines: [String: JSONValue] = [:]
        if case .object(let given)? = body["baseline"] { baselines = given }
        var observed: [ObservedSignal] = []
        var unavailableReason: String?
        for (signal, content) in signals {
            switch content {
            case .array(let rows):
                var baseline: [[String: JSONValue]]?
                if case .array(let before)? = baselines[signal] { baseline = try before.map { try row($0, rule: rule) } }
                observed.append(
                    ObservedSignal(
                        name: signal, collectedAt: now, rows: try rows.map { try row($0, rule: rule) }, baseline: baseline,
                        baselineAt: baseline == nil ? nil : baselineAt))
            case .object(let marker):
                guard let reasonText = marker["unavailable"]?.stringValue, let reason = UnavailableReason(rawValue: reasonText) else {
                    throw FixtureError("rule \(rule), \(level) case: \(signal) must be rows or {\"unavailable\": reason}")
                }
                unavailableReason = reasonText
                observed.append(
                    ObservedSignal(name: signal, status: .unavailable, reason: reason, message: "fixture: \(signal) is \(reasonText)", collectedAt: now))
            default:
                throw FixtureError("rule \(rule), \(level) case: \(signal) must be rows or {\"unavailable\": reason}")
            }
        }
        return (HealthSnapshot(observed, now: now, windowStart: baselineAt), unavailableReason)
    }

    static func row(_ value: JSONValue, rule: String) throws -> [String: JSONValue] {
        guard case .object(let row) = value else { throw FixtureError("rule \(rule): a row is not an object") }
        return row
    }

    /// (signal, column) pairs an expression reads; bare columns belong to `rowSignal`.
    static func columnsRead(_ expression: HealthExpression, rowSignal: String?) -> [(String, String)] {
        var pairs: [(String, String)] = []
        func visit(_ expression: HealthExpression, _ rowSignal: String?) {
            switch expression {
            case .literal, .measured: break
            case .column(let column), .delta(let column), .rate(let column):
                if let rowSignal { pairs.append((rowSignal, column)) }
            case .negate(let inner), .not(let inner): visit(inner, rowSignal)
            case .binary(_, let left, let right):
                visit(left, rowSignal)
                visit(right, rowSignal)
            case .call(_, let arguments): arguments.forEach { visit($0, rowSignal) }
            case .aggregate(let aggregate):
                if let column = aggregate.column { pairs.append((aggregate.signal, column)) }
                if let filter = aggregate.filter { visit(filter, aggregate.signal) }
            case .lookup(let signal, let matchColumn, let match, let column):
                pairs.append((signal, matchColumn))
                pairs.append((signal, column))
                visit(match, rowSignal)
            case .first(let signal, let column): pairs.append((signal, column))
            }
        }
        visit(expression, rowSignal)
        return pairs
    }

    struct FixtureError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
