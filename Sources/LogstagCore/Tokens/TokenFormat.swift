import Foundation

/// The token string format: `<prefix><id: 12 base62><secret: 32 base62><checksum: 6 base62>`.
///
/// Contract: the checksum is the CRC-32 of `prefix + id + secret` written as 6 zero-padded
/// base62 digits, so a mistyped, truncated or wrong-kind token is rejected by `parse` before
/// any database lookup. `generate` draws id and secret from `SystemRandomNumberGenerator`
/// (32 base62 characters is about 190 bits of secret).
public enum TokenFormat {
    /// Characters in the id.
    public static let idLength = 12
    /// Characters in the secret.
    public static let secretLength = 32
    /// Characters in the checksum.
    public static let checksumLength = 6
    /// Characters after the prefix.
    public static let bodyLength = idLength + secretLength + checksumLength

    /// A new random token of `kind`.
    public static func generate(_ kind: TokenKind) -> TokenString {
        let id = Base62.random(count: idLength)
        let secret = Base62.random(count: secretLength)
        let unchecked = kind.prefix + id + secret
        return TokenString(kind: kind, id: id, raw: unchecked + checksum(unchecked))
    }

    /// The token in `raw` (surrounding whitespace ignored), checked to be a well-formed `kind` token.
    public static func parse(_ raw: String, expecting kind: TokenKind) throws(TokenFormatError) -> TokenString {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        let bytes = Array(text.utf8)
        let prefix = Array(kind.prefix.utf8)
        guard bytes.starts(with: prefix) else { throw TokenFormatError(.wrongPrefix, expecting: kind) }
        let body = bytes[prefix.count...]
        guard body.count == bodyLength else { throw TokenFormatError(.wrongLength, expecting: kind) }
        guard body.allSatisfy(Base62.isDigit) else { throw TokenFormatError(.invalidCharacter, expecting: kind) }
        let checked = String(decoding: bytes[..<(bytes.count - checksumLength)], as: UTF8.self)
        let given = String(decoding: bytes[(bytes.count - checksumLength)...], as: UTF8.self)
        guard given == checksum(checked) else { throw TokenFormatError(.badChecksum, expecting: kind) }
        let id = String(decoding: body.prefix(idLength), as: UTF8.self)
        return TokenString(kind: kind, id: id, raw: text)
    }

    /// Whether `text` (surrounding whitespace ignored) is a well-formed token of any kind.
    public static func isToken(_ text: some StringProtocol) -> Bool {
        let string = String(text)
        return TokenKind.allCases.contains { kind in
            string.hasPrefix(kind.prefix) && (try? parse(string, expecting: kind)) != nil
        }
    }

    static func checksum(_ text: String) -> String {
        Base62.encode(UInt64(CRC32.checksum(text)), width: checksumLength)
    }
}
