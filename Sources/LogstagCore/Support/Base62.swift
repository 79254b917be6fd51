/// The base62 alphabet `0-9A-Za-z` used by token strings.
///
/// Contract: `encode` writes a number most significant digit first, left-padded with `0` to a
/// fixed width; `decode` is its inverse and returns nil for any character outside the alphabet
/// or a value that does not fit in 64 bits. `random` draws uniformly distributed characters
/// from a cryptographically secure generator (rejection sampling, no modulo bias).
public enum Base62 {
    /// The 62 digits in value order.
    public static let alphabet: [UInt8] = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// The value of one base62 digit, or nil when `byte` is not one.
    public static func digitValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): Int(byte - UInt8(ascii: "A")) + 10
        case UInt8(ascii: "a")...UInt8(ascii: "z"): Int(byte - UInt8(ascii: "a")) + 36
        default: nil
        }
    }

    /// Whether `byte` is a base62 digit.
    public static func isDigit(_ byte: UInt8) -> Bool {
        digitValue(byte) != nil
    }

    /// `value` in base62, left-padded with `0` to at least `width` digits.
    public static func encode(_ value: UInt64, width: Int) -> String {
        var digits: [UInt8] = []
        var rest = value
        repeat {
            digits.append(alphabet[Int(rest % 62)])
            rest /= 62
        } while rest > 0
        while digits.count < width { digits.append(UInt8(ascii: "0")) }
        return String(decoding: digits.reversed(), as: UTF8.self)
    }

    /// The number written by `text`, or nil when it is empty, has a non-base62 character or
    /// overflows 64 bits.
    public static func decode(_ text: some StringProtocol) -> UInt64? {
        guard !text.isEmpty else { return nil }
        var value: UInt64 = 0
        for byte in text.utf8 {
            guard let digit = digitValue(byte) else { return nil }
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 62)
            let (sum, overflow2) = shifted.addingReportingOverflow(UInt64(digit))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
        }
        return value
    }

    /// `count` random base62 characters from the system's secure generator.
    public static func random(count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return random(count: count, using: &generator)
    }

    /// `count` random base62 characters from `generator`, without modulo bias: bytes of 248 or
    /// more (248 = 4 x 62) are discarded and drawn again.
    public static func random(count: Int, using generator: inout some RandomNumberGenerator) -> String {
        var result: [UInt8] = []
        result.reserveCapacity(count)
        while result.count < count {
            var word = generator.next() as UInt64
            for _ in 0..<8 where result.count < count {
                let byte = UInt8(truncatingIfNeeded: word)
                word >>= 8
                if byte < 248 { result.append(alphabet[Int(byte % 62)]) }
            }
        }
        return String(decoding: result, as: UTF8.self)
    }
}
