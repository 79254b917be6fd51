import Foundation

/// Removes secrets from request bodies and text before they are logged or audited.
///
/// Contract: in JSON and form bodies the value of every key in `sensitiveKeys` (compared
/// case-insensitively, with `-` read as `_`) is replaced by `********` at any depth, whatever
/// its type; in every remaining string and key, and in free text, Logstag token strings (any
/// `TokenKind` prefix followed by 32 or more base62 characters), `Bearer`/`Basic` credentials,
/// `password=...`-style assignments of sensitive names and the password of `scheme://user:pass@`
/// URLs are replaced by `********`. Output is JSON with sorted keys, cut to `maxBytes` bytes
/// with `…(truncated)` appended. A body that is not JSON is never echoed.
public enum Redaction {
    /// The mask written in place of a secret.
    public static let mask = "********"

    /// Keys whose values are always masked.
    public static let sensitiveKeys: Set<String> = [
        "password", "new_password", "current_password", "token", "registration_token", "agent_key", "api_key", "secret",
        "key", "authorization", "cookie", "_csrf", "csrf", "db_password", "cloud_secret_key",
    ]

    /// Whether a key names a secret.
    public static func isSensitiveKey(_ key: String) -> Bool {
        sensitiveKeys.contains(key.lowercased().replacingOccurrences(of: "-", with: "_"))
    }

    /// A JSON body with secrets masked, or `(non-JSON body, N bytes)`.
    public static func redactJSON(_ data: Data, maxBytes: Int = 4096) -> String {
        do {
            try JSONShape.check(data, maxDepth: 64)
        } catch {
            return "(JSON body nested too deeply, \(data.count) bytes)"
        }
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: data) else {
            return "(non-JSON body, \(data.count) bytes)"
        }
        return truncate(encode(redact(value)), maxBytes: maxBytes)
    }

    /// An `application/x-www-form-urlencoded` body as a JSON object with secrets masked.
    /// A key that appears more than once becomes an array of its values.
    public static func redactForm(_ body: String, maxBytes: Int = 4096) -> String {
        var fields: [String: JSONValue] = [:]
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = formDecode(parts[0])
            let value: JSONValue = isSensitiveKey(key) ? .string(mask) : .string(redactText(formDecode(parts.count > 1 ? parts[1] : "")))
            switch fields[key] {
            case nil: fields[key] = value
            case .array(let values)?: fields[key] = .array(values + [value])
            case let existing?: fields[key] = .array([existing, value])
            }
        }
        return truncate(encode(.object(fields)), maxBytes: maxBytes)
    }

    /// `text` with token strings, credentials in URLs and `name=value` secrets masked.
    public static func redactText(_ text: String) -> String {
        var result = text
        result = replace(tokenRegex, in: result) { _ in mask }
        result = replace(urlCredentialRegex, in: result) { groups in groups[1] + mask + "@" }
        result = replace(schemeRegex, in: result) { groups in groups[1] + mask }
        result = replace(assignmentRegex, in: result) { groups in groups[1] + mask }
        return result
    }

    // MARK: - JSON

    static func redact(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let fields):
            var result: [String: JSONValue] = [:]
            for (key, field) in fields {
                result[redactText(key)] = isSensitiveKey(key) ? .string(mask) : redact(field)
            }
            return .object(result)
        case .array(let items):
            return .array(items.map(redact))
        case .string(let text):
            return .string(redactText(text))
        case .null, .bool, .number:
            return value
        }
    }

    static func encode(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "(unencodable body)" }
        return String(decoding: data, as: UTF8.self)
    }

    static func truncate(_ text: String, maxBytes: Int) -> String {
        guard text.utf8.count > maxBytes else { return text }
        var kept = ""
        var bytes = 0
        for character in text {
            let size = character.utf8.count
            guard bytes + size <= maxBytes else { break }
            kept.append(character)
            bytes += size
        }
        return kept + "…(truncated)"
    }

    static func formDecode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    // MARK: - Text patterns

    static let tokenPattern: String = {
        let prefixes = TokenKind.allCases.map(\.prefix).joined(separator: "|")
        return "(?:" + prefixes + ")[0-9A-Za-z]{32,}"
    }()

    /// `scheme://user:password@` -> keeps `scheme://user:`.
    static let urlCredentialPattern = #"([A-Za-z][A-Za-z0-9+.\-]*://[^\s/:@]*:)[^\s/@]+@"#

    /// `Bearer xyz`, `Basic xyz`.
    static let schemePattern = #"(?i)(\b(?:bearer|basic)\s+)[A-Za-z0-9._~+/=\-]{6,}"#

    /// `password=xyz`, `"token": "xyz"`, `api-key: xyz` for every sensitive name (and a few
    /// common spellings of password).
    static let assignmentPattern: String = {
        let names = (sensitiveKeys.map { $0.replacingOccurrences(of: "_", with: "[_-]?") } + ["passwd", "pwd", "pass"])
            .sorted { $0.count > $1.count }
            .joined(separator: "|")
        return #"(?i)((?<![A-Za-z0-9])(?:"# + names + #")["']?\s*[=:]\s*["']?)(?:(?:bearer|basic)\s+)?(?:[^\s&;,"'}]+)"#
    }()

    static let tokenRegex = compile(tokenPattern)
    static let urlCredentialRegex = compile(urlCredentialPattern)
    static let schemeRegex = compile(schemePattern)
    static let assignmentRegex = compile(assignmentPattern)

    static func compile(_ pattern: String) -> NSRegularExpression {
        do {
            return try NSRegularExpression(pattern: pattern)
        } catch {
            preconditionFailure("Redaction pattern does not compile: \(pattern)")
        }
    }

    static func replace(_ regex: NSRegularExpression, in text: String, with replacement: ([String]) -> String) -> String {
        let source = text as NSString
        var result = ""
        var cursor = 0
        for match in regex.matches(in: text, range: NSRange(location: 0, length: source.length)) {
            result += source.substring(with: NSRange(location: cursor, length: match.range.location - cursor))
            let groups = (0..<match.numberOfRanges).map { index -> String in
                let range = match.range(at: index)
                return range.location == NSNotFound ? "" : source.substring(with: range)
            }
            result += replacement(groups)
            cursor = match.range.location + match.range.length
        }
        result += source.substring(from: cursor)
        return result
    }
}
