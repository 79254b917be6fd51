import Foundation

/// Random, unguessable row ids (128 bits, lowercase hex). Ids are not secrets, but random ids
/// give no hint about other tenants' rows.
public enum IDGenerator {
    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in String(generator.next() as UInt64, radix: 16).leftPadded(to: 16) }.joined()
    }
}

extension String {
    func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
