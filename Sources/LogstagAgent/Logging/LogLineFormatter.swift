import Foundation
import Logging
import LogstagCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns one log record into one line:
/// `2026-11-21T10:00:00.123Z INFO [target=x phase=collection] message key=value`.
///
/// Contract: the timestamp is UTC with milliseconds; `target` and `phase` metadata go in the
/// brackets (left out when neither is set), all other metadata follows the message as
/// `key=value`, sorted by key, quoted when the value has spaces, quotes or `=`. The message
/// and every value pass through the `SecretMasker` before escaping (so a secret containing a
/// quote or a line break is still found), and values of secret-named keys (`password`,
/// `api_key`, ...) are replaced whole. Line breaks are escaped: one record is one line.
enum LogLineFormatter {
    static let bracketKeys = ["target", "phase"]

    static func format(date: Date, level: Logger.Level, message: String, metadata: Logger.Metadata, error: (any Error)?, masker: SecretMasker)
        -> String
    {
        var line = timestamp(date) + " " + levelName(level)
        let bracket = bracketKeys.compactMap { key in metadata[key].map { "\(key)=\(value($0, key: key, masker: masker))" } }
        if !bracket.isEmpty { line += " [" + bracket.joined(separator: " ") + "]" }
        line += " " + escapeLineBreaks(masker.mask(message))
        var fields = metadata.filter { !bracketKeys.contains($0.key) }
        if let error, fields["error"] == nil { fields["error"] = .string(String(describing: error)) }
        for key in fields.keys.sorted() {
            line += " " + key + "=" + value(fields[key]!, key: key, masker: masker)
        }
        return line
    }

    static func levelName(_ level: Logger.Level) -> String {
        switch level {
        case .trace: "TRACE"
        case .debug: "DEBUG"
        case .info: "INFO"
        case .notice: "NOTICE"
        case .warning: "WARN"
        case .error: "ERROR"
        case .critical: "CRITICAL"
        }
    }

    static func timestamp(_ date: Date) -> String {
        let totalMilliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let (quotient, remainder) = totalMilliseconds.quotientAndRemainder(dividingBy: 1000)
        // Floor division, so times before 1970 (never in practice) still format sensibly.
        var seconds = time_t(remainder < 0 ? quotient - 1 : quotient)
        let milliseconds = Int(remainder < 0 ? remainder + 1000 : remainder)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(Int(parts.tm_year) + 1900, 4))-\(pad(Int(parts.tm_mon) + 1, 2))-\(pad(Int(parts.tm_mday), 2))"
            + "T\(pad(Int(parts.tm_hour), 2)):\(pad(Int(parts.tm_min), 2)):\(pad(Int(parts.tm_sec), 2)).\(pad(milliseconds, 3))Z"
    }

    private static func value(_ value: Logger.Metadata.Value, key: String, masker: SecretMasker) -> String {
        if Redaction.isSensitiveKey(key) { return Redaction.mask }
        let masked = masker.mask(render(value))
        let needsQuotes = masked.isEmpty || masked.contains { $0 == " " || $0 == "\"" || $0 == "=" || $0 == "\t" }
        let escaped = escapeLineBreaks(masked)
        guard needsQuotes else { return escaped }
        return "\"" + escaped.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    private static func render(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text): text
        case .stringConvertible(let convertible): convertible.description
        case .array(let items): "[" + items.map(render).joined(separator: ", ") + "]"
        case .dictionary(let fields):
            "[" + fields.keys.sorted().map { key in
                "\(key): " + (Redaction.isSensitiveKey(key) ? Redaction.mask : render(fields[key]!))
            }.joined(separator: ", ") + "]"
        }
    }

    private static func escapeLineBreaks(_ text: String) -> String {
        guard text.contains(where: { $0.isNewline }) else { return text }
        var output = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}": output += " "
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output
    }
}
