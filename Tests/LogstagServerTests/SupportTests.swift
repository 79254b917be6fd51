import Foundation
import Testing

@testable import LogstagServer

@Suite("Crypto, gzip and password hashing")
struct SupportTests {
    @Test("SHA-256 and HMAC-SHA256 match known vectors")
    func vectors() {
        #expect(Crypto.sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        // RFC 4231 test case 2.
        #expect(Crypto.hmacSHA256Hex(key: Array("Jefe".utf8), message: "what do ya want for nothing?")
            == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(Crypto.constantTimeEquals("abc", "abc"))
        #expect(!Crypto.constantTimeEquals("abc", "abd"))
        #expect(!Crypto.constantTimeEquals("abc", "abcd"))
        #expect(Crypto.randomHex(16) != Crypto.randomHex(16))
    }

    @Test("gzip round trip, cap enforced, corruption detected")
    func gzip() throws {
        let input = Array(String(repeating: "logstag ", count: 10_000).utf8)
        #expect(try Gzip.decompress(Gzip.compress(input), limit: 1 << 20) == input)
        #expect(throws: Gzip.Failure.tooLarge) { try Gzip.decompress(Gzip.compress(input), limit: 1000) }
        var corrupt = Gzip.compress(input)
        corrupt[corrupt.count / 2] ^= 0xFF
        #expect(throws: Gzip.Failure.corrupt) { try Gzip.decompress(corrupt, limit: 1 << 20) }
        #expect(throws: Gzip.Failure.corrupt) { try Gzip.decompress(Array("plain".utf8), limit: 1 << 20) }
    }

    @Test("argon2id at OWASP parameters; weaker hashes need rehashing")
    func passwords() {
        let hash = PasswordHasher.owasp.hash("s3cret-passphrase")
        #expect(hash.hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$"))
        #expect(PasswordHasher.owasp.verify("s3cret-passphrase", hash: hash))
        #expect(!PasswordHasher.owasp.verify("s3cret-passphrasE", hash: hash))
        #expect(!hash.contains("s3cret"))
        #expect(!PasswordHasher.owasp.needsRehash(hash))
        let weak = PasswordHasher(memoryKiB: 256, iterations: 1, parallelism: 1).hash("x")
        #expect(PasswordHasher.owasp.needsRehash(weak))
        #expect(!PasswordHasher.owasp.verify("x", hash: "$2b$10$notargon"))
    }
}
