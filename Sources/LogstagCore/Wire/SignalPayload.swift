/// One signal's result in a payload: rows of data, or unavailable with a reason.
///
/// Contract: `name` is snake_case and names a signal of the engine's catalogue; `rows` is
/// empty when `status` is `unavailable`; numeric row values are series values and keys
/// starting with `tag_` label them; at most `WireLimits.maxRowsPerSignal` rows.
public struct SignalPayload: Codable, Sendable, Equatable {
    public var name: String
    public var status: SignalStatus
    public var reason: UnavailableReason?
    public var message: String?
    public var durationMs: Double
    public var rows: [[String: JSONValue]]

    public init(
        name: String, status: SignalStatus, reason: UnavailableReason? = nil, message: String? = nil, durationMs: Double,
        rows: [[String: JSONValue]] = []
    ) {
        self.name = name
        self.status = status
        self.reason = reason
        self.message = message
        self.durationMs = durationMs
        self.rows = rows
    }

    enum CodingKeys: String, CodingKey {
        case name, status, reason, message
        case durationMs = "duration_ms"
        case rows
    }
}
