/// What one delivery step did; `DeliveryPacer` turns it into the wait before the next step.
enum DeliveryAttempt: Sendable, Equatable {
    /// The spool is empty.
    case nothingToSend
    /// The server acknowledged the batch (stored, or already stored before).
    case delivered(duplicate: Bool)
    /// The batch was too large and now waits as two halves.
    case split
    /// The server rejected the batch for good; it is in `poison/`.
    case poisoned
    /// Mock mode: the batch was dropped without sending.
    case discarded
    /// A temporary failure (overload, 5xx, network, TLS); `retryAfter` is the server's
    /// `Retry-After` in seconds when it sent one.
    case retryLater(retryAfter: Double?)
    /// 401/403: the agent key was rejected.
    case credentialsRejected
}
