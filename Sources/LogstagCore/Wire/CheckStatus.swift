/// The outcome of one prerequisite check.
///
/// Contract: `unknown` means the check could not be evaluated; it is never counted as a pass.
public enum CheckStatus: String, CaseIterable, Codable, Sendable {
    case pass, fail, warn, unknown
}
