import Foundation

/// One signal of a monitored asset as the server stored it, as the health evaluation sees it.
///
/// Contract: `rows` is the latest snapshot; `baseline` is the oldest snapshot inside the report
/// window (nil when there is none), taken at `baselineAt`. An `unavailable` signal carries a
/// `reason` and usually a `message` for people (with the GRANT to run, for permissions).
public struct ObservedSignal: Sendable, Equatable {
    public var name: String
    public var status: SignalStatus
    public var reason: UnavailableReason?
    public var message: String?
    public var collectedAt: Date
    public var rows: [[String: JSONValue]]
    public var baseline: [[String: JSONValue]]?
    public var baselineAt: Date?

    public init(
        name: String, status: SignalStatus = .ok, reason: UnavailableReason? = nil, message: String? = nil, collectedAt: Date,
        rows: [[String: JSONValue]] = [], baseline: [[String: JSONValue]]? = nil, baselineAt: Date? = nil
    ) {
        self.name = name
        self.status = status
        self.reason = reason
        self.message = message
        self.collectedAt = collectedAt
        self.rows = rows
        self.baseline = baseline
        self.baselineAt = baselineAt
    }
}
