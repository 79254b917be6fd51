import COpenSSL
import Foundation

/// Hashing, keyed hashing and randomness from the system's OpenSSL.
public enum Crypto {
    /// SHA-256 of the bytes, lowercase hex.
    public static func sha256Hex(_ data: some DataProtocol) -> String {
        let bytes = Array(data)
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        _ = bytes.withUnsafeBufferPointer { SHA256($0.baseAddress, bytes.count, &digest) }
        return hex(digest)
    }

    public static func sha256Hex(_ text: String) -> String { sha256Hex(Data(text.utf8)) }

    /// HMAC-SHA256(key, message), lowercase hex: how tokens are stored (keyed with the server pepper).
    public static func hmacSHA256Hex(key: [UInt8], message: String) -> String {
        let input = Array(message.utf8)
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        _ = key.withUnsafeBufferPointer { keyBuffer in
            input.withUnsafeBufferPointer { inputBuffer in
                HMAC(EVP_sha256(), keyBuffer.baseAddress, Int32(key.count), inputBuffer.baseAddress, input.count, &digest, &length)
            }
        }
        return hex(Array(digest.prefix(Int(length))))
    }

    /// Cryptographically secure random bytes.
    public static func randomBytes(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        guard RAND_bytes(&bytes, Int32(count)) == 1 else { fatalError("OpenSSL RAND_bytes failed: no entropy source") }
        return bytes
    }

    /// A random URL-safe string (hex) with `bytes` bytes of entropy.
    public static func randomHex(_ bytes: Int) -> String { hex(randomBytes(bytes)) }

    /// Compares two strings in time independent of where they differ.
    public static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return x.withUnsafeBufferPointer { xp in y.withUnsafeBufferPointer { yp in CRYPTO_memcmp(xp.baseAddress, yp.baseAddress, x.count) == 0 } }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
