/// The row-local functions of the expression language (the ones that read other signals or
/// the baseline are cases of `HealthExpression` itself).
///
/// Contract: the raw value is the name used in catalogues; `arity` is checked at parse time.
public enum HealthFunction: String, Sendable, Equatable, CaseIterable {
    case secondsSince = "seconds_since"
    case setting
    case number
    case coalesce
    case greatest
    case least
    case abs
    case round
    case lower
    case contains
    case startsWith = "starts_with"
    case `in`
    case versionLt = "version_lt"
    case bytes

    /// Allowed argument counts (`Int.max` for "any number").
    var arity: ClosedRange<Int> {
        switch self {
        case .secondsSince, .setting, .number, .abs, .lower: 1...1
        case .round: 1...2
        case .contains, .startsWith, .versionLt, .bytes: 2...2
        case .coalesce, .greatest, .least: 1...Int.max
        case .in: 2...Int.max
        }
    }
}
