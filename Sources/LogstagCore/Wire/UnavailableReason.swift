/// Why a signal is unavailable.
///
/// Contract: `permission` (the monitoring user lacks a grant), `unsupported` (engine version or
/// edition lacks it), `disabled` (turned off in config), `error` (anything else). A signal that
/// is unavailable is a coverage limitation, never a pass and never a zero.
public enum UnavailableReason: String, CaseIterable, Codable, Sendable {
    case permission, unsupported, disabled, error
}
