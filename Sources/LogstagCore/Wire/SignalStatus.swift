/// Whether a signal carries data.
///
/// Contract: `unavailable` signals carry a reason and are shown as unavailable, never as zero.
public enum SignalStatus: String, CaseIterable, Codable, Sendable {
    case ok, unavailable
}
