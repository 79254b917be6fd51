/// The five report tabs of a health check and their weight in the overall score
/// (DESIGN.md section 1: Performance 30, Security 25, Configuration 20, Schema 15, Maintenance 10).
///
/// Contract: the raw value is the tab's display name and its name in the rule catalogues.
public enum HealthTab: String, CaseIterable, Codable, Sendable, Comparable {
    case configuration = "Configuration"
    case schema = "Schema"
    case performance = "Performance"
    case security = "Security"
    case maintenance = "Maintenance"

    /// Weight in the overall score; weights of tabs without checks are renormalised away.
    public var weight: Double {
        switch self {
        case .performance: 30
        case .security: 25
        case .configuration: 20
        case .schema: 15
        case .maintenance: 10
        }
    }

    /// Display order in reports.
    public static func < (lhs: HealthTab, rhs: HealthTab) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
