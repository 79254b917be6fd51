/// A string that is not a well-formed token of the expected kind.
///
/// Contract: `code` is always `token_invalid`; `reason` says which check failed; `message` is
/// a full sentence that never contains any part of the rejected string.
public struct TokenFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The check that failed.
    public enum Reason: String, Sendable {
        case wrongPrefix = "wrong_prefix"
        case wrongLength = "wrong_length"
        case invalidCharacter = "invalid_character"
        case badChecksum = "bad_checksum"
    }

    public let code: String
    public let reason: Reason
    public let message: String

    init(_ reason: Reason, expecting kind: TokenKind) {
        self.code = "token_invalid"
        self.reason = reason
        switch reason {
        case .wrongPrefix:
            self.message = "The value is not a \(kind.displayName); it must start with \(kind.prefix)."
        case .wrongLength:
            self.message = "The \(kind.displayName) has the wrong length; copy the whole value."
        case .invalidCharacter:
            self.message = "The \(kind.displayName) contains characters that are not letters or digits."
        case .badChecksum:
            self.message = "The \(kind.displayName) is mistyped or incomplete; its checksum does not match."
        }
    }

    public var description: String { message }
}
