import Foundation

/// JSON coding of health reports and comparisons: the wire settings plus snake_case keys.
///
/// Why a separate pair: the report types have many fields, and hand-written CodingKeys for each
/// would be noise. Keys are snake_case on the wire (`rule_id`, `effort_days`); decoding maps
/// them back with the rule that the word "id" is written "ID" in Swift (`ruleID`, `runID`).
public enum HealthCoding {
    public static func encoder() -> JSONEncoder {
        let encoder = WireCoding.encoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = WireCoding.decoder()
        decoder.keyDecodingStrategy = .custom { path in
            HealthCodingKey(camelCase(path.last!.stringValue))
        }
        return decoder
    }

    /// "previous_run_id" -> "previousRunID"; keys without underscores stay as they are.
    static func camelCase(_ key: String) -> String {
        let words = key.split(separator: "_", omittingEmptySubsequences: true)
        guard words.count > 1 || key == "id" else { return key }
        return words.enumerated().map { index, word in
            if word == "id" { return index == 0 ? "id" : "ID" }
            return index == 0 ? String(word) : word.prefix(1).uppercased() + word.dropFirst()
        }.joined()
    }
}

struct HealthCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }
}
