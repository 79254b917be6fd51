import Testing
import LogstagCore

struct TokenFormatTests {
    @Test(arguments: TokenKind.allCases)
    func roundTrip(kind: TokenKind) throws {
        let token = TokenFormat.generate(kind)
        #expect(token.raw.hasPrefix(kind.rawValue))
        #expect(token.raw.utf8.count == kind.rawValue.utf8.count + 50)
        #expect(token.id.utf8.count == 12)
        #expect(token.raw.dropFirst(4).hasPrefix(token.id))
        let parsed = try TokenFormat.parse("  \(token.raw)\n", expecting: kind)
        #expect(parsed == token)
    }

    @Test func checksumIsCRC32OfPrefixIdAndSecret() throws {
        let raw = "lsk_" + String(repeating: "0", count: 44)
        let expected = Base62.encode(UInt64(CRC32.checksum(raw)), width: 6)
        #expect(expected == "3tootR")  // computed independently with Python's zlib.crc32
        #expect(try TokenFormat.parse(raw + expected, expecting: .apiKey).id == "000000000000")
    }

    @Test func tokensAreUnique() {
        let tokens = (0..<200).map { _ in TokenFormat.generate(.apiKey).raw }
        #expect(Set(tokens).count == 200)
    }

    @Test func everySingleCharacterMutationIsRejected() {
        let replacements = Array(String(decoding: Base62.alphabet, as: UTF8.self)) + ["-", "_", "+", "/", "é", "\u{0}"]
        for kind in [TokenKind.registration, .apiKey] {
            let raw = Array(TokenFormat.generate(kind).raw)
            for position in raw.indices {
                for replacement in replacements where replacement != raw[position] {
                    var mutated = raw
                    mutated[position] = replacement
                    #expect(throws: TokenFormatError.self) { try TokenFormat.parse(String(mutated), expecting: kind) }
                }
                var deleted = raw
                deleted.remove(at: position)
                #expect(throws: TokenFormatError.self) { try TokenFormat.parse(String(deleted), expecting: kind) }
                var inserted = raw
                inserted.insert("A", at: position)
                #expect(throws: TokenFormatError.self) { try TokenFormat.parse(String(inserted), expecting: kind) }
            }
        }
    }

    @Test func wrongKindIsRejected() {
        let agentKey = TokenFormat.generate(.agentKey)
        for kind in TokenKind.allCases where kind != .agentKey {
            #expect {
                try TokenFormat.parse(agentKey.raw, expecting: kind)
            } throws: { error in
                (error as? TokenFormatError)?.reason == .wrongPrefix
            }
        }
    }

    @Test func reasonsAndMessagesNeverEchoTheToken() {
        let token = TokenFormat.generate(.registration).raw
        let secret = String(token.dropFirst(16).prefix(32))
        let cases: [(String, TokenFormatError.Reason)] = [
            ("lsk_" + token.dropFirst(4), .wrongPrefix),
            (String(token.dropLast()), .wrongLength),
            (String(token.dropLast()) + "!", .invalidCharacter),
            (String(token.dropLast()) + (token.hasSuffix("0") ? "1" : "0"), .badChecksum),
        ]
        for (input, reason) in cases {
            do {
                _ = try TokenFormat.parse(input, expecting: .registration)
                Issue.record("accepted \(reason)")
            } catch {
                #expect(error.reason == reason)
                #expect(error.code == "token_invalid")
                #expect(!error.message.contains(secret))
                #expect(!error.description.contains(String(token.dropFirst(4).prefix(12))))
            }
        }
    }

    @Test func descriptionHidesTheSecret() {
        let token = TokenFormat.generate(.session)
        let secret = String(token.raw.dropFirst(16).prefix(32))
        #expect(!"\(token)".contains(secret))
        #expect(!String(reflecting: token).contains(secret))
        #expect("\(token)".contains(token.id))
    }

    @Test func prefixes() {
        #expect(TokenKind.allCases.map(\.rawValue) == ["lsr_", "lsa_", "lsk_", "lss_", "lsi_", "lsb_"])
    }

    @Test func isTokenRecognisesAnyKind() {
        #expect(TokenFormat.isToken(TokenFormat.generate(.invitation).raw))
        #expect(!TokenFormat.isToken("lsi_" + String(repeating: "a", count: 50)))
    }
}
