/// A parsed catalogue expression (Resources/health/README.md, "Expressions").
///
/// Contract: built once per catalogue by `HealthExpression.parse(_:bindsValue:)`; evaluation
/// never parses again. Functions that read another signal (`count`, `sum`, `max`, `min`,
/// `sum_delta`, `lookup`, `first`) take the signal and column names as text literals, so they
/// are resolved at parse time and the `where` text of an aggregate is parsed into `filter` here.
/// `delta`, `rate` and `seconds_since` take a column (a bare name or its name as text).
public indirect enum HealthExpression: Sendable, Equatable {
    case literal(JSONValue)
    /// A column of the current row; null when absent.
    case column(String)
    /// `value` inside a `*_when` condition: the measured value.
    case measured
    case negate(HealthExpression)
    case not(HealthExpression)
    case binary(HealthBinaryOperator, HealthExpression, HealthExpression)
    /// A row-local function of its evaluated arguments.
    case call(HealthFunction, [HealthExpression])
    case delta(column: String)
    case rate(column: String)
    case aggregate(HealthAggregate)
    case lookup(signal: String, matchColumn: String, match: HealthExpression, column: String)
    case first(signal: String, column: String)

    /// Parses `text`; with `bindsValue` the name `value` means the measured value (in `*_when`).
    public static func parse(_ text: String, bindsValue: Bool = false) throws(HealthExpressionError) -> HealthExpression {
        var parser = try HealthExpressionParser(text, bindsValue: bindsValue)
        return try parser.parseAll()
    }

    /// Names of the signals the expression reads besides the current row's.
    public var signalsRead: Set<String> {
        var names: Set<String> = []
        visit { expression in
            switch expression {
            case .aggregate(let aggregate): names.insert(aggregate.signal)
            case .lookup(let signal, _, _, _), .first(let signal, _): names.insert(signal)
            default: break
            }
        }
        return names
    }

    /// True when the expression compares with the baseline snapshot (delta, rate, sum_delta).
    public var usesBaseline: Bool {
        var uses = false
        visit { expression in
            switch expression {
            case .delta, .rate: uses = true
            case .aggregate(let aggregate) where aggregate.kind == .sumDelta: uses = true
            default: break
            }
        }
        return uses
    }

    /// Signals whose baseline snapshot the expression needs: the row signal for `delta`/`rate`,
    /// the named signal for `sum_delta`.
    public func baselineSignals(rowSignal: String?) -> Set<String> {
        var names: Set<String> = []
        visit { expression in
            switch expression {
            case .delta, .rate: if let rowSignal { names.insert(rowSignal) }
            case .aggregate(let aggregate) where aggregate.kind == .sumDelta: names.insert(aggregate.signal)
            default: break
            }
        }
        return names
    }

    /// True when `setting('...')` is used.
    public var usesSettings: Bool {
        var uses = false
        visit { expression in
            if case .call(.setting, _) = expression { uses = true }
        }
        return uses
    }

    private func visit(_ body: (HealthExpression) -> Void) {
        body(self)
        switch self {
        case .literal, .column, .measured, .delta, .rate, .first: break
        case .negate(let inner), .not(let inner): inner.visit(body)
        case .binary(_, let left, let right):
            left.visit(body)
            right.visit(body)
        case .call(_, let arguments): arguments.forEach { $0.visit(body) }
        case .aggregate(let aggregate): aggregate.filter?.visit(body)
        case .lookup(_, _, let match, _): match.visit(body)
        }
    }
}

/// Binary operators, lowest precedence first: `or`; `and`; comparisons; `||`; `+ -`; `* / %`.
public enum HealthBinaryOperator: String, Sendable, Equatable {
    case or, and
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case concat = "||"
    case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"

    /// Pratt binding power: higher binds tighter.
    var bindingPower: Int {
        switch self {
        case .or: 10
        case .and: 20
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual: 30
        case .concat: 40
        case .add, .subtract: 50
        case .multiply, .divide, .remainder: 60
        }
    }
}

/// `count`, `sum`, `max`, `min` or `sum_delta` over the rows of a signal.
public struct HealthAggregate: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case count, sum, max, min
        case sumDelta = "sum_delta"
    }
    public var kind: Kind
    public var signal: String
    /// nil only for `count`.
    public var column: String?
    /// The parsed `where` text; nil when every row counts.
    public var filter: HealthExpression?
    /// Identifies the aggregate in the per-snapshot cache (it does not depend on the current row).
    public var cacheKey: String

    public init(kind: Kind, signal: String, column: String?, filter: HealthExpression?, filterSource: String?) {
        self.kind = kind
        self.signal = signal
        self.column = column
        self.filter = filter
        cacheKey = [kind.rawValue, signal, column ?? "", filterSource ?? ""].joined(separator: "\u{1F}")
    }
}
