import Foundation

/// Turns a parsed TOML document into a `HealthCatalogue`, table by table.
///
/// Contract: see `HealthCatalogue.parse`. Only `[catalogue]`, `[charts.<id>]`, `[scope.<id>]`
/// and `[rules.<id>]` tables are allowed, and nothing at the top level.
struct HealthCatalogueParser {
    static let catalogueKeys = [
        "engines", "version", "tabs", "tiers", "settings_signal", "settings_name", "settings_value", "settings_row_signal",
    ]
    static let chartKeys = ["title", "metric", "filter", "kind", "unit"]
    static let scopeKeys = ["signal", "kind", "name"]
    static let thresholdKeys = ["above", "below", "when"]
    static let ruleKeys =
        [
            "tab", "title", "signals", "scope", "rows", "where", "value", "when_empty", "unit", "show", "object", "sort", "result",
            "threshold", "insight", "actions", "effort_days", "recommendation",
        ] + thresholdKeys.flatMap { ["attention_" + $0, "critical_" + $0] }

    let document: TOMLDocument

    func parse() throws(HealthCatalogueError) -> HealthCatalogue {
        var catalogueTable: TOMLTable?
        for table in document.tables {
            switch (table.path.first, table.path.count) {
            case (nil, _):
                if let entry = table.entries.first {
                    throw HealthCatalogueError(
                        line: entry.line, key: entry.key, message: "key \"\(entry.key)\" must be inside a table such as [catalogue]")
                }
            case ("catalogue", 1): catalogueTable = table
            case ("charts", 2), ("scope", 2), ("rules", 2): continue
            default:
                throw HealthCatalogueError(
                    line: table.line, section: table.displayName,
                    message: "unexpected table; only [catalogue], [charts.<id>], [scope.<id>] and [rules.<id>] are allowed")
            }
        }
        guard let catalogueTable else { throw HealthCatalogueError(line: 1, message: "the [catalogue] table is missing") }
        var catalogue = try header(catalogueTable)
        for table in document.tables where table.path.count == 2 {
            switch table.path[0] {
            case "charts": catalogue.charts.append(try chart(table))
            case "scope": catalogue.scopes.append(try scope(table))
            case "rules": catalogue.rules.append(try rule(table, catalogue: catalogue))
            default: continue
            }
        }
        guard !catalogue.rules.isEmpty else {
            throw HealthCatalogueError(line: catalogueTable.line, section: "[catalogue]", message: "the catalogue has no [rules.<id>] table")
        }
        return catalogue
    }

    // MARK: - Tables

    private func header(_ table: TOMLTable) throws(HealthCatalogueError) -> HealthCatalogue {
        let fields = Fields(table: table, allowedKeys: Self.catalogueKeys, ruleID: nil)
        try fields.rejectUnknownKeys()
        let engines = try fields.names("engines", Engine.self, required: true)
        guard let version = try fields.int("version") else { throw fields.missing("version") }
        guard version >= 1 else { throw fields.fail("version", "must be 1 or more") }
        let tabs = try fields.names("tabs", HealthTab.self, required: true)
        let tiers = try fields.names("tiers", Tier.self, required: true)
        var settings: HealthSettingsSource?
        let settingsSignal = try fields.string("settings_signal")
        let settingsName = try fields.string("settings_name")
        let settingsValue = try fields.string("settings_value")
        if let settingsSignal {
            guard let settingsName else { throw fields.missing("settings_name") }
            guard let settingsValue else { throw fields.missing("settings_value") }
            settings = HealthSettingsSource(signal: settingsSignal, nameColumn: settingsName, valueColumn: settingsValue)
        } else if settingsName != nil || settingsValue != nil {
            throw fields.fail(settingsName != nil ? "settings_name" : "settings_value", "needs settings_signal")
        }
        return HealthCatalogue(
            engines: engines, version: version, tabs: tabs, tiers: tiers, settings: settings,
            settingsRowSignal: try fields.string("settings_row_signal"), rules: [])
    }

    private func chart(_ table: TOMLTable) throws(HealthCatalogueError) -> HealthChartDefinition {
        let fields = Fields(table: table, allowedKeys: Self.chartKeys, ruleID: nil)
        try fields.rejectUnknownKeys()
        let title = try fields.required("title")
        let metric = try fields.required("metric")
        let parts = metric.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw fields.fail("metric", "must be <signal>.<column>")
        }
        let filter = try fields.string("filter")
        if let filter, filter.split(separator: "=", omittingEmptySubsequences: false).count != 2 {
            throw fields.fail("filter", "must be <tag>=<value>")
        }
        let kind = try fields.name("kind", HealthChartDefinition.Kind.self) ?? .gauge
        guard let unit = try fields.name("unit", HealthUnit.self), ![.text, .bool].contains(unit) else {
            throw table.entry("unit") == nil ? fields.missing("unit") : fields.fail("unit", "must be a numeric unit")
        }
        return HealthChartDefinition(id: table.path[1], title: title, metric: metric, filter: filter, kind: kind, unit: unit)
    }

    private func scope(_ table: TOMLTable) throws(HealthCatalogueError) -> HealthScopeDefinition {
        let fields = Fields(table: table, allowedKeys: Self.scopeKeys, ruleID: nil)
        try fields.rejectUnknownKeys()
        let nameSource = try fields.required("name")
        return HealthScopeDefinition(
            id: table.path[1], signal: try fields.required("signal"), kind: try fields.required("kind"), nameSource: nameSource,
            name: try fields.expression("name", nameSource))
    }

    private func rule(_ table: TOMLTable, catalogue: HealthCatalogue) throws(HealthCatalogueError) -> HealthRule {
        let id = table.path[1]
        let fields = Fields(table: table, allowedKeys: Self.ruleKeys, ruleID: id)
        guard id.first.map({ $0.isASCII && $0.isLowercase }) == true,
            id.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") })
        else {
            throw HealthCatalogueError(line: table.line, section: table.displayName, ruleID: id, message: "the rule id must be snake_case")
        }
        try fields.rejectUnknownKeys()
        guard let tab = try fields.name("tab", HealthTab.self) else { throw fields.missing("tab") }
        guard catalogue.tabs.contains(tab) else { throw fields.fail("tab", "\(tab.rawValue) is not one of the catalogue's tabs") }
        let title = try fields.required("title")
        guard let signals = try fields.stringArray("signals") else { throw fields.missing("signals") }
        guard !signals.isEmpty else { throw fields.fail("signals", "must name at least one signal") }
        let scope = try fields.required("scope")
        guard HealthRule.scopes.contains(scope) else {
            throw fields.fail("scope", "unknown scope \(scope); use one of \(HealthRule.scopes.sorted().joined(separator: ", "))")
        }
        let rows = try fields.string("rows")
        if let rows, !signals.contains(rows) { throw fields.fail("rows", "\(rows) must also be listed in signals") }
        if rows == nil {
            for key in ["where", "when_empty", "show", "object", "sort"] where table.entry(key) != nil {
                throw fields.fail(key, "is only allowed in a row rule (one with rows = \"<signal>\")")
            }
        }
        let filterSource = try fields.string("where")
        let filter = try filterSource.map { source throws(HealthCatalogueError) in try fields.expression("where", source) }
        let valueSource = try fields.required("value")
        let value = try fields.expression("value", valueSource)
        let attention = try threshold("attention", fields)
        let critical = try threshold("critical", fields)
        guard attention != nil || critical != nil else {
            throw HealthCatalogueError(
                line: table.line, section: table.displayName, ruleID: id, key: "critical_when",
                message: "the rule has no threshold; set one of attention_above/below/when or critical_above/below/when")
        }
        let whenEmpty = try fields.name("when_empty", HealthRule.WhenEmpty.self) ?? .healthy
        guard let unit = try fields.name("unit", HealthUnit.self) else { throw fields.missing("unit") }
        let show = try fields.stringArray("show") ?? []
        let objectSource = try fields.string("object")
        let object = try objectSource.map { source throws(HealthCatalogueError) in try fields.expression("object", source) }
        let sort = try fields.name("sort", HealthRule.SortOrder.self) ?? .descending
        let resultTemplate = try fields.string("result")
        if let resultTemplate { try checkTemplate(resultTemplate, fields) }
        let insight = try fields.required("insight")
        guard let actions = try fields.stringArray("actions") else { throw fields.missing("actions") }
        guard let effortDays = try fields.double("effort_days") else { throw fields.missing("effort_days") }
        guard effortDays >= 0, effortDays.isFinite else { throw fields.fail("effort_days", "must be 0 or more") }
        let recommendation = try fields.string("recommendation").map { name throws(HealthCatalogueError) in
            switch name {
            case "optimization": return HealthRecommendation.Group.optimization
            case "strategic": return HealthRecommendation.Group.strategic
            default: throw fields.fail("recommendation", "must be optimization or strategic")
            }
        }
        let rule = HealthRule(
            id: id, tab: tab, title: title, signals: signals, scope: scope, rows: rows, filterSource: filterSource, filter: filter,
            valueSource: valueSource, value: value, attention: attention, critical: critical, whenEmpty: whenEmpty, unit: unit, show: show,
            object: object, sort: sort, resultTemplate: resultTemplate, thresholdText: try fields.string("threshold"), insight: insight,
            actions: actions, effortDays: effortDays, recommendation: recommendation, line: table.line)
        try checkSignalsListed(rule, fields)
        return rule
    }

    /// `<level>_above`, `<level>_below` or `<level>_when`: at most one of them.
    private func threshold(_ level: String, _ fields: Fields) throws(HealthCatalogueError) -> HealthThreshold? {
        let present = Self.thresholdKeys.map { level + "_" + $0 }.compactMap { fields.table.entry($0) }.sorted { $0.line < $1.line }.map(\.key)
        guard let key = present.first else { return nil }
        if present.count > 1 {
            throw fields.fail(present[1], "\(level) already has a threshold (\(present[0])); use one threshold form per level")
        }
        switch key {
        case level + "_above": return .above(try fields.double(key)!)
        case level + "_below": return .below(try fields.double(key)!)
        default:
            let source = try fields.required(key)
            return .when(try fields.expression(key, source, bindsValue: true), source: source)
        }
    }

    private func checkTemplate(_ template: String, _ fields: Fields) throws(HealthCatalogueError) {
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else { throw fields.fail("result", "a \"{\" is not closed") }
            let name = rest[rest.index(after: open)..<close]
            guard ["value", "count", "total"].contains(name) else {
                throw fields.fail("result", "unknown placeholder {\(name)}; use {value}, {count} or {total}")
            }
            rest = rest[rest.index(after: close)...]
        }
    }

    /// Every signal an expression reads must be listed, so that its absence is a limitation.
    private func checkSignalsListed(_ rule: HealthRule, _ fields: Fields) throws(HealthCatalogueError) {
        let expressions: [(String, HealthExpression?)] =
            [("where", rule.filter), ("value", rule.value), ("object", rule.object)]
            + [("attention_when", rule.attention), ("critical_when", rule.critical)].map { key, threshold in
                if case .when(let condition, _) = threshold { return (key, condition) }
                return (key, nil)
            }
        for (key, expression) in expressions {
            guard let expression else { continue }
            if let missing = expression.signalsRead.subtracting(rule.signals).sorted().first {
                throw fields.fail(key, "reads signal \(missing), which is not listed in signals")
            }
        }
    }
}

/// `TOMLSectionReader` with catalogue errors that name the table, the rule and the key.
private struct Fields {
    let table: TOMLTable
    let reader: TOMLSectionReader
    let ruleID: String?

    init(table: TOMLTable, allowedKeys: [String], ruleID: String?) {
        self.table = table
        reader = TOMLSectionReader(table: table, allowedKeys: allowedKeys)
        self.ruleID = ruleID
    }

    func wrap(_ error: TOMLError) -> HealthCatalogueError {
        HealthCatalogueError(line: error.line, section: table.displayName, ruleID: ruleID, key: error.key, message: error.message)
    }

    func fail(_ key: String, _ message: String) -> HealthCatalogueError {
        HealthCatalogueError(
            line: table.entry(key)?.line ?? table.line, section: table.displayName, ruleID: ruleID, key: key, message: "key \"\(key)\": \(message)")
    }

    func missing(_ key: String) -> HealthCatalogueError {
        HealthCatalogueError(line: table.line, section: table.displayName, ruleID: ruleID, key: key, message: "key \"\(key)\" is missing")
    }

    func rejectUnknownKeys() throws(HealthCatalogueError) {
        do { try reader.rejectUnknownKeys() } catch { throw wrap(error) }
    }

    func string(_ key: String) throws(HealthCatalogueError) -> String? {
        do { return try reader.string(key) } catch { throw wrap(error) }
    }

    func required(_ key: String) throws(HealthCatalogueError) -> String {
        guard let value = try string(key) else { throw missing(key) }
        guard !value.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail(key, "must not be empty") }
        return value
    }

    func int(_ key: String) throws(HealthCatalogueError) -> Int? {
        do { return try reader.int(key) } catch { throw wrap(error) }
    }

    func double(_ key: String) throws(HealthCatalogueError) -> Double? {
        do { return try reader.double(key) } catch { throw wrap(error) }
    }

    func stringArray(_ key: String) throws(HealthCatalogueError) -> [String]? {
        do { return try reader.stringArray(key) } catch { throw wrap(error) }
    }

    /// A string naming one case of `T`.
    func name<T: RawRepresentable<String> & CaseIterableOrListed>(_ key: String, _ type: T.Type) throws(HealthCatalogueError) -> T? {
        guard let text = try string(key) else { return nil }
        guard let value = T(rawValue: text) else {
            throw fail(key, "unknown value \(text); use one of \(T.listedNames.joined(separator: ", "))")
        }
        return value
    }

    /// A non-empty array naming cases of `T`.
    func names<T: RawRepresentable<String> & CaseIterableOrListed>(_ key: String, _ type: T.Type, required: Bool) throws(HealthCatalogueError) -> [T] {
        guard let texts = try stringArray(key) else {
            if required { throw missing(key) }
            return []
        }
        guard !texts.isEmpty else { throw fail(key, "must not be empty") }
        var values: [T] = []
        for text in texts {
            guard let value = T(rawValue: text) else {
                throw fail(key, "unknown value \(text); use one of \(T.listedNames.joined(separator: ", "))")
            }
            values.append(value)
        }
        return values
    }

    func expression(_ key: String, _ source: String, bindsValue: Bool = false) throws(HealthCatalogueError) -> HealthExpression {
        do {
            return try HealthExpression.parse(source, bindsValue: bindsValue)
        } catch {
            throw fail(key, "the expression does not parse: \(error.description)")
        }
    }
}

/// Enumerations whose names can be listed in messages.
protocol CaseIterableOrListed {
    static var listedNames: [String] { get }
}

extension CaseIterableOrListed where Self: CaseIterable & RawRepresentable<String> {
    static var listedNames: [String] { allCases.map(\.rawValue) }
}

extension Engine: CaseIterableOrListed {}
extension HealthTab: CaseIterableOrListed {}
extension Tier: CaseIterableOrListed {}
extension HealthUnit: CaseIterableOrListed {}
extension HealthChartDefinition.Kind: CaseIterableOrListed {
    static var listedNames: [String] { ["gauge", "rate"] }
}
extension HealthRule.WhenEmpty: CaseIterableOrListed {
    static var listedNames: [String] { ["healthy", "no_data"] }
}
extension HealthRule.SortOrder: CaseIterableOrListed {
    static var listedNames: [String] { ["desc", "asc"] }
}
