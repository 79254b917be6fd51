/// Why a machine-bound secret could not be encrypted or decrypted, or why a private file was
/// refused.
///
/// Contract: `message` is a full sentence that says what to do, names files by path and never
/// contains the secret, the host secret or the encrypted value. `kind` lets callers react
/// without parsing text: `hostSecretMissing` (no `host.key` on this machine), `wrongMachine`
/// (the value was encrypted with another host secret or machine identity), `tampered` (the
/// value was altered; nothing is returned), `malformed` (not an `enc:v1:` value),
/// `permissions` (a private file is readable or writable by others, or cannot be read) and
/// `io` (any other file-system or OpenSSL failure).
public struct SecretError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure.
    public enum Kind: String, Sendable, Equatable {
        case hostSecretMissing, wrongMachine, tampered, malformed, permissions, io
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
