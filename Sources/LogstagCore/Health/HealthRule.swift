/// One rule of a health catalogue, with its expressions already parsed.
///
/// Contract: built by `HealthCatalogue.parse`; `rows == nil` makes it an instance rule that
/// measures `value` once, otherwise `value` is measured per row of `rows` (filtered by
/// `filter`). At least one of `attention` and `critical` is set. `signals` lists every signal
/// the rule reads (including `rows` and those named in its expressions). `line` is the line of
/// the rule's `[rules.<id>]` header.
public struct HealthRule: Sendable, Equatable {
    public enum WhenEmpty: String, Sendable, Equatable {
        case healthy
        case noData = "no_data"
    }

    public enum SortOrder: String, Sendable, Equatable {
        case descending = "desc"
        case ascending = "asc"
    }

    public var id: String
    public var tab: HealthTab
    public var title: String
    public var signals: [String]
    public var scope: String
    public var rows: String?
    public var filterSource: String?
    public var filter: HealthExpression?
    public var valueSource: String
    public var value: HealthExpression
    public var attention: HealthThreshold?
    public var critical: HealthThreshold?
    public var whenEmpty: WhenEmpty
    public var unit: HealthUnit
    public var show: [String]
    public var object: HealthExpression?
    public var sort: SortOrder
    public var resultTemplate: String?
    public var thresholdText: String?
    public var insight: String
    public var actions: [String]
    public var effortDays: Double
    /// The group for Attention findings when the rule names one.
    public var recommendation: HealthRecommendation.Group?
    public var line: Int

    public init(
        id: String, tab: HealthTab, title: String, signals: [String], scope: String, rows: String? = nil, filterSource: String? = nil,
        filter: HealthExpression? = nil, valueSource: String, value: HealthExpression, attention: HealthThreshold? = nil,
        critical: HealthThreshold? = nil, whenEmpty: WhenEmpty = .healthy, unit: HealthUnit, show: [String] = [], object: HealthExpression? = nil,
        sort: SortOrder = .descending, resultTemplate: String? = nil, thresholdText: String? = nil, insight: String, actions: [String],
        effortDays: Double, recommendation: HealthRecommendation.Group? = nil, line: Int = 0
    ) {
        self.id = id
        self.tab = tab
        self.title = title
        self.signals = signals
        self.scope = scope
        self.rows = rows
        self.filterSource = filterSource
        self.filter = filter
        self.valueSource = valueSource
        self.value = value
        self.attention = attention
        self.critical = critical
        self.whenEmpty = whenEmpty
        self.unit = unit
        self.show = show
        self.object = object
        self.sort = sort
        self.resultTemplate = resultTemplate
        self.thresholdText = thresholdText
        self.insight = insight
        self.actions = actions
        self.effortDays = effortDays
        self.recommendation = recommendation
        self.line = line
    }

    /// The scopes a rule may name (README "File layout").
    public static let scopes: Set<String> = [
        "instance", "database", "schema", "table", "index", "sequence", "constraint", "role", "query", "session", "setting",
        "replica", "slot", "extension", "function", "key", "command", "client",
    ]

    /// The Attention group: the rule's own, else Performance/Configuration -> optimization.
    public var attentionGroup: HealthRecommendation.Group {
        recommendation ?? (tab == .performance || tab == .configuration ? .optimization : .strategic)
    }

    /// The status of one measured value.
    func status(of value: JSONValue, row: [String: JSONValue], rowSignal: String?, evaluator: HealthExpressionEvaluator) -> FindingStatus {
        if let critical, critical.holds(value, row: row, rowSignal: rowSignal, evaluator: evaluator) { return .critical }
        if let attention, attention.holds(value, row: row, rowSignal: rowSignal, evaluator: evaluator) { return .attention }
        return .healthy
    }

    /// The direction in which the value gets worse, when the thresholds say so.
    var worseWhenHigher: Bool? {
        for threshold in [critical, attention].compactMap({ $0 }) {
            if case .above = threshold { return true }
            if case .below = threshold { return false }
        }
        return nil
    }
}
