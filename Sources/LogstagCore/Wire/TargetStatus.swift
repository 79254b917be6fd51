/// Whether the agent could collect from a target in this payload.
///
/// Contract: `ok == true` means the agent reached the target (individual signals may still be
/// unavailable); when `ok` is false, `reason` says why and `message` gives the driver's text
/// with credentials removed.
public struct TargetStatus: Codable, Sendable, Equatable {
    public var ok: Bool
    public var reason: FailureReason?
    public var message: String?

    public init(ok: Bool, reason: FailureReason? = nil, message: String? = nil) {
        self.ok = ok
        self.reason = reason
        self.message = message
    }

    enum CodingKeys: String, CodingKey {
        case ok, reason, message
    }
}
