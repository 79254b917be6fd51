/// A parsed rule catalogue (`Resources/health/<engine>.toml`, format in its README).
///
/// Contract: `parse` validates the whole file and throws a `HealthCatalogueError` naming the
/// line, the table (and rule id) and the key for the first problem: unknown or missing keys,
/// wrong types, unknown engines/tabs/tiers/scopes/units, two threshold forms for one level or
/// none at all, expressions that do not parse, signals read by an expression but not listed in
/// the rule's `signals`. Every expression is parsed here, once. Core does no I/O: load the
/// text with `BundledResources.text("health/<engine>.toml")`.
public struct HealthCatalogue: Sendable, Equatable {
    public var engines: [Engine]
    public var version: Int
    public var tabs: [HealthTab]
    public var tiers: [Tier]
    /// Behind `setting('name')` and the report's settings list.
    public var settings: HealthSettingsSource?
    /// A one-row signal whose text/number columns are the report's settings when there is no
    /// settings signal (Redis: "redis_config").
    public var settingsRowSignal: String?
    public var charts: [HealthChartDefinition]
    public var scopes: [HealthScopeDefinition]
    public var rules: [HealthRule]

    public init(
        engines: [Engine], version: Int, tabs: [HealthTab], tiers: [Tier], settings: HealthSettingsSource? = nil,
        settingsRowSignal: String? = nil, charts: [HealthChartDefinition] = [], scopes: [HealthScopeDefinition] = [], rules: [HealthRule]
    ) {
        self.engines = engines
        self.version = version
        self.tabs = tabs
        self.tiers = tiers
        self.settings = settings
        self.settingsRowSignal = settingsRowSignal
        self.charts = charts
        self.scopes = scopes
        self.rules = rules
    }

    public static func parse(_ text: String) throws(HealthCatalogueError) -> HealthCatalogue {
        let document: TOMLDocument
        do {
            document = try TOMLDocument.parse(text)
        } catch {
            throw HealthCatalogueError(line: error.line, key: error.key, message: error.message)
        }
        return try HealthCatalogueParser(document: document).parse()
    }

    /// The rule with this id.
    public func rule(_ id: String) -> HealthRule? {
        rules.first { $0.id == id }
    }

    /// Every signal the catalogue reads (rules, charts, scopes, settings), sorted.
    /// Signals some rule compares with their baseline (counter deltas): only these need the
    /// older snapshot loaded, which halves the memory a report over a big schema takes.
    public var baselineSignals: Set<String> {
        var names: Set<String> = []
        for rule in rules {
            var expressions = [rule.value] + [rule.filter, rule.object].compactMap { $0 }
            for threshold in [rule.attention, rule.critical] {
                if case .when(let condition, _)? = threshold { expressions.append(condition) }
            }
            for expression in expressions { names.formUnion(expression.baselineSignals(rowSignal: rule.rows)) }
        }
        return names
    }

    public var signalNames: [String] {
        var names = Set(rules.flatMap(\.signals))
        names.formUnion(charts.map(\.signal))
        names.formUnion(scopes.map(\.signal))
        if let settings { names.insert(settings.signal) }
        if let settingsRowSignal { names.insert(settingsRowSignal) }
        return names.sorted()
    }
}
