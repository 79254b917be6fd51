import CArgon2
import Foundation

/// argon2id password hashing (libargon2) with OWASP's parameters: m = 19 MiB, t = 2, p = 1.
/// Hashes are PHC strings (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`), so parameters travel with
/// each hash and can be raised later: `needsRehash` tells the login path to upgrade old hashes.
public struct PasswordHasher: Sendable {
    public let memoryKiB: UInt32
    public let iterations: UInt32
    public let parallelism: UInt32

    public static let owasp = PasswordHasher(memoryKiB: 19_456, iterations: 2, parallelism: 1)

    public init(memoryKiB: UInt32, iterations: UInt32, parallelism: UInt32) {
        self.memoryKiB = memoryKiB
        self.iterations = iterations
        self.parallelism = parallelism
    }

    public func hash(_ password: String) -> String {
        let salt = Crypto.randomBytes(16)
        let pwd = Array(password.utf8)
        let length = argon2_encodedlen(iterations, memoryKiB, parallelism, UInt32(salt.count), 32, Argon2_id)
        var encoded = [CChar](repeating: 0, count: length)
        let result = pwd.withUnsafeBytes { pwdBytes in
            salt.withUnsafeBytes { saltBytes in
                argon2id_hash_encoded(
                    iterations, memoryKiB, parallelism, pwdBytes.baseAddress, pwd.count, saltBytes.baseAddress, salt.count, 32,
                    &encoded, length)
            }
        }
        precondition(result == ARGON2_OK.rawValue, "argon2id_hash_encoded failed: \(result)")
        return String(decoding: encoded.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public func verify(_ password: String, hash: String) -> Bool {
        guard hash.hasPrefix("$argon2id$") else { return false }
        let pwd = Array(password.utf8)
        return pwd.withUnsafeBytes { argon2id_verify(hash, $0.baseAddress, pwd.count) } == ARGON2_OK.rawValue
    }

    /// True when the stored hash used weaker parameters than this hasher.
    public func needsRehash(_ hash: String) -> Bool {
        !hash.contains("$m=\(memoryKiB),t=\(iterations),p=\(parallelism)$")
    }

    /// A hash of a random password, verified against when the user does not exist, so unknown and
    /// known users cost the same time.
    public static let decoy = PasswordHasher.owasp.hash(Crypto.randomHex(16))
}
