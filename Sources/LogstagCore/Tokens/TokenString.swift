/// A well-formed token: its kind, its public id and the full secret string.
///
/// Contract: only `TokenFormat` creates values, so `raw` always has a valid prefix, length and
/// checksum. `id` (12 base62 characters) may be stored and shown in clear to list and revoke
/// tokens; `raw` is the secret and is shown to the user once. `description` never reveals
/// the secret part, so a token that ends up in a log line or interpolated string stays safe.
public struct TokenString: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public let kind: TokenKind
    public let id: String
    public let raw: String

    init(kind: TokenKind, id: String, raw: String) {
        self.kind = kind
        self.id = id
        self.raw = raw
    }

    /// The prefix and id followed by a redaction mark, e.g. `lsk_0a1B2c3D4e5F…`.
    public var description: String { kind.prefix + id + "…" }
    public var debugDescription: String { "TokenString(\(kind.prefix + id)…)" }
}
