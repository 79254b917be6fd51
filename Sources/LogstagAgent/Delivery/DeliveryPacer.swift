/// Decides how long the sender waits after each step: the retry policy as a pure value.
///
/// Contract: after a temporary failure the wait is exponential backoff with full jitter,
/// `random(0 ... min(cap, base * 2^failures))` with base 1 s and cap 300 s, and never less
/// than the server's `Retry-After` (itself capped at one hour); a delivery resets the
/// backoff; a rejected agent key waits `credentialRecheck` (5 minutes) before probing again;
/// an empty spool waits `idleInterval`; splits, poison and mock-mode drops go on at once.
struct DeliveryPacer: Sendable {
    static let base = 1.0
    static let cap = 300.0
    static let credentialRecheck = 300.0
    static let maxRetryAfter = 3_600.0

    var idleInterval = 1.0
    /// Consecutive temporary failures since the last delivery.
    private(set) var failures = 0

    init(idleInterval: Double = 1.0) {
        self.idleInterval = idleInterval
    }

    mutating func delay(after attempt: DeliveryAttempt, random: (ClosedRange<Double>) -> Double) -> Double {
        switch attempt {
        case .nothingToSend:
            return idleInterval
        case .delivered:
            failures = 0
            return 0
        case .split, .poisoned, .discarded:
            return 0
        case .credentialsRejected:
            failures = 0
            return Self.credentialRecheck
        case .retryLater(let retryAfter):
            let ceiling = min(Self.cap, Self.base * Double(1 << min(failures, 30)))
            failures += 1
            let jittered = random(0...ceiling)
            return max(jittered, min(retryAfter ?? 0, Self.maxRetryAfter))
        }
    }
}
