import LogstagCore

/// Why a driver could not reach or use its target.
///
/// Contract: `message` is the driver's text with credentials removed (safe to log and ship);
/// `reason` drives the runner's backoff (`auth` waits 5 minutes between login attempts).
public struct DriverError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: FailureReason
    public var message: String

    public init(reason: FailureReason, message: String) {
        self.reason = reason
        self.message = Redaction.redactText(message)
    }

    public var description: String { "\(reason.rawValue): \(message)" }
}
