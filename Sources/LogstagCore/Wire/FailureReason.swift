/// Why an agent could not collect from a target at all.
///
/// Contract: the raw value is the wire and storage name; `error` covers everything else.
public enum FailureReason: String, CaseIterable, Codable, Sendable {
    case auth, permission, unreachable, timeout, error
}
