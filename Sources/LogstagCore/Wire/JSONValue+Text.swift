/// Compact JSON text of a value, written directly instead of through `JSONEncoder`.
///
/// Why: the server stores every ingested signal's rows as JSON text (snapshots), and encoding
/// them through `Codable` took a tenth of ingest time. The output is what `WireCoding.encoder()`
/// writes for the same value (sorted keys, no escaped slashes, integral numbers without a
/// fraction), so stored text does not depend on which of the two wrote it.
///
/// Contract: numbers that are not finite (which JSON cannot hold and the wire decoder never
/// produces) are written as `null`.
extension JSONValue {
    /// The compact JSON text of this value.
    public var jsonText: String {
        var bytes: [UInt8] = []
        write(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The compact JSON text of an array of rows (a signal's rows).
    public static func jsonText(rows: [[String: JSONValue]]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256 * rows.count)
        writeArray(rows, to: &bytes) { row, bytes in writeObject(row, to: &bytes) }
        return String(decoding: bytes, as: UTF8.self)
    }

    func write(to bytes: inout [UInt8]) {
        switch self {
        case .null: bytes.append(contentsOf: "null".utf8)
        case .bool(let value): bytes.append(contentsOf: (value ? "true" : "false").utf8)
        case .number(let value): Self.writeNumber(value, to: &bytes)
        case .string(let value): Self.writeString(value, to: &bytes)
        case .array(let values): Self.writeArray(values, to: &bytes) { value, bytes in value.write(to: &bytes) }
        case .object(let members): Self.writeObject(members, to: &bytes)
        }
    }

    static func writeArray<Element>(_ elements: [Element], to bytes: inout [UInt8], element: (Element, inout [UInt8]) -> Void) {
        bytes.append(UInt8(ascii: "["))
        for (index, value) in elements.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            element(value, &bytes)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    static func writeObject(_ members: [String: JSONValue], to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "{"))
        for (index, key) in members.keys.sorted().enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            writeString(key, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            members[key]!.write(to: &bytes)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    /// Integral values in the range where doubles are exact print without a fraction, as
    /// `JSONEncoder` does; the rest use Swift's shortest round-tripping form.
    static func writeNumber(_ value: Double, to bytes: inout [UInt8]) {
        guard value.isFinite else {
            bytes.append(contentsOf: "null".utf8)
            return
        }
        if value == value.rounded(), abs(value) < 9_007_199_254_740_992 {
            bytes.append(contentsOf: String(Int64(value)).utf8)
        } else {
            bytes.append(contentsOf: value.description.utf8)
        }
    }

    /// Escapes what JSON requires (quote, backslash, control characters); everything else,
    /// including non-ASCII UTF-8, is copied as is.
    static func writeString(_ value: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            if byte >= 0x20, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
                bytes.append(byte)
            } else if let letter = shortEscape(byte) {
                bytes.append(contentsOf: [UInt8(ascii: "\\"), letter])
            } else {
                bytes.append(contentsOf: "\\u00".utf8)
                bytes.append(contentsOf: [hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]])
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// What follows the backslash for the characters JSON escapes with one letter (or themselves).
    private static func shortEscape(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): byte
        case 0x0A: UInt8(ascii: "n")
        case 0x0D: UInt8(ascii: "r")
        case 0x09: UInt8(ascii: "t")
        case 0x08: UInt8(ascii: "b")
        case 0x0C: UInt8(ascii: "f")
        default: nil
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
