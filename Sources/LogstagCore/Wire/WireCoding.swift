import Foundation

/// The JSON encoder and decoder settings of the wire contract.
///
/// Contract: keys are written sorted, slashes are not escaped, output is compact, and dates
/// use `WireDate` (ISO 8601 UTC with milliseconds; fractional seconds optional when decoding).
/// The golden fixtures in the tests pin these bytes; both sides of the wire (and anything
/// that hashes encoded JSON) must use these factories rather than a default `JSONEncoder`.
public enum WireCoding {
    /// A new encoder with the wire settings.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(WireDate.format(date))
        }
        return encoder
    }

    /// A new decoder with the wire settings.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = WireDate.parse(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "Expected an ISO 8601 date-time such as 2025-06-01T12:30:05.250Z.")
            }
            return date
        }
        return decoder
    }
}
