import LogstagCore

/// One target's database connection and its collectors.
///
/// Contract: a driver is used from one thread at a time (its `TargetRunner`'s queue), so it
/// needs no locking. `connect()` opens the single connection when none is open and does
/// nothing otherwise; it throws a `DriverError` whose `reason` is `auth` for a rejected login,
/// `unreachable` for refused or timed-out connections, `permission` when login works but the
/// session cannot be used. `collect(tier:)` runs every signal of the tier: a signal the user
/// may not run becomes `unavailable(permission)`, any other per-signal failure
/// `unavailable(error)`; it throws only when the connection itself was lost (then
/// `isConnected` is false afterwards). `connectionTest()` never throws: it reports failures
/// inside the result. No message contains a password.
public protocol EngineDriver: AnyObject {
    /// Whether the connection is open (as far as the driver knows).
    var isConnected: Bool { get }
    /// Opens the connection unless it is open.
    func connect() throws(DriverError)
    /// Collects every signal of one tier.
    func collect(tier: Tier) throws(DriverError) -> TierCollection
    /// Connects if needed and checks reachability, authentication and prerequisites.
    func connectionTest() -> ConnectionTestResult
    /// Closes the connection (idempotent).
    func close()
}

/// What one tier run produced.
public struct TierCollection: Sendable, Equatable {
    public var instance: InstanceInfo?
    public var signals: [SignalPayload]

    public init(instance: InstanceInfo? = nil, signals: [SignalPayload]) {
        self.instance = instance
        self.signals = signals
    }
}
