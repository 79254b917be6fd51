/// The outcome of one evaluated health rule.
///
/// Contract: a rule that could not be evaluated has no status: it is a `CoverageLimitation`.
public enum FindingStatus: String, CaseIterable, Codable, Sendable, Comparable {
    case healthy = "Healthy"
    case attention = "Attention"
    case critical = "Critical"

    var rank: Int {
        switch self {
        case .healthy: 0
        case .attention: 1
        case .critical: 2
        }
    }

    public static func < (lhs: FindingStatus, rhs: FindingStatus) -> Bool { lhs.rank < rhs.rank }
}
