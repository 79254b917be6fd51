/// A decrypted secret (database password, agent key) held in memory.
///
/// Contract: `description`, `debugDescription` and string interpolation print `********`, so
/// a secret that reaches a log line by mistake is masked; only `reveal()` gives the value,
/// and callers use it exactly where the secret leaves the process (libpq, AUTH, a header).
public struct SecretValue: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    private let value: String

    public init(_ value: String) { self.value = value }

    /// The secret itself.
    public func reveal() -> String { value }

    /// Whether the secret is the empty string (allowed for Redis without a password).
    public var isEmpty: Bool { value.isEmpty }

    public var description: String { "********" }
    public var debugDescription: String { "********" }
}
