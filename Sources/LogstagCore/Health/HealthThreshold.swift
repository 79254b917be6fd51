/// One level's threshold of a rule: numeric (`*_above`, `*_below`) or a condition (`*_when`).
///
/// Contract: `above(t)` holds when the value is a number (or numeric text) greater than `t`,
/// `below(t)` when less; `when` holds when the condition, with `value` bound, is true. A null
/// value never meets a threshold.
public enum HealthThreshold: Sendable, Equatable {
    case above(Double)
    case below(Double)
    case when(HealthExpression, source: String)

    func holds(_ value: JSONValue, row: [String: JSONValue], rowSignal: String?, evaluator: HealthExpressionEvaluator) -> Bool {
        switch self {
        case .above(let limit): HealthValueSemantics.number(value).map { $0 > limit } ?? false
        case .below(let limit): HealthValueSemantics.number(value).map { $0 < limit } ?? false
        case .when(let condition, _):
            HealthValueSemantics.isTrue(evaluator.evaluate(condition, row: row, rowSignal: rowSignal, value: value))
        }
    }

    /// "above 80 %", "below 95 %", "when value == 'off'".
    func words(unit: HealthUnit) -> String {
        switch self {
        case .above(let limit): "above " + unit.format(number: limit)
        case .below(let limit): "below " + unit.format(number: limit)
        case .when(_, let source): "when " + source
        }
    }
}
