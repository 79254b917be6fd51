/// Why an enrollment failed, with a message for the person running the install or setup.
///
/// Contract: `message` is a full sentence that says what to do; it never contains the
/// registration token or the agent key. `retryAfter` is set for `throttled`.
public struct EnrollmentError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// The token is malformed or unknown (`token_invalid`).
        case tokenInvalid
        /// The token was already redeemed (`token_used`).
        case tokenUsed
        /// A newer token replaced this one (`token_revoked`).
        case tokenRevoked
        /// The token is older than 24 hours (`token_expired`).
        case tokenExpired
        /// The agent key sent to bind one more asset was rejected.
        case agentKeyRejected
        /// The token's asset has another engine than the target (422 `engine_mismatch`).
        case engineMismatch
        /// Too many failed enrollments from this address (429).
        case throttled
        /// The server refused for another reason it explained (400, 403, 404, other 4xx).
        case rejected
        /// The server's certificate could not be verified.
        case tlsVerification
        /// No answer: DNS, refused connection, timeout.
        case unreachable
        /// An answer that is not a Logstag enrollment answer (5xx, redirect, another server).
        case unexpectedAnswer
    }

    public var kind: Kind
    public var message: String
    public var retryAfter: Double?

    public init(kind: Kind, message: String, retryAfter: Double? = nil) {
        self.kind = kind
        self.message = message
        self.retryAfter = retryAfter
    }

    public var description: String { message }
}
