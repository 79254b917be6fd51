/// Lifecycle of a health-check run (reference section 5).
///
/// Contract: Pending -> Collecting -> Generating Report -> Completed; any non-final state may
/// end in Failure, Cancelled or Timeout. `isFinal` states never change again.
public enum HealthRunStatus: String, CaseIterable, Codable, Sendable {
    case pending = "Pending"
    case collecting = "Collecting"
    case generatingReport = "Generating Report"
    case completed = "Completed"
    case failure = "Failure"
    case cancelled = "Cancelled"
    case timeout = "Timeout"

    public var isFinal: Bool {
        switch self {
        case .pending, .collecting, .generatingReport: false
        case .completed, .failure, .cancelled, .timeout: true
        }
    }
}
