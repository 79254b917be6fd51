import LogstagCore

/// What one result column of a manifest signal holds, and how its libpq text becomes JSON.
///
/// Contract: `gauge` and `counter` become numbers (non-finite values such as `NaN` become
/// null, since JSON has no such numbers); `bool` turns `t`/`f` into true/false; `label`
/// and `text` stay strings (labels must be named `tag_*`, as the server keys series by
/// them); `timestamp` turns PostgreSQL's ISO output (the session uses `DateStyle=ISO`,
/// `TimeZone=UTC`) into a wire timestamp `2025-06-01T12:30:05.250Z`, and `infinity` into
/// null. SQL NULL is always `.null`. A value that does not parse as its kind is kept as a
/// string rather than dropped, so nothing is silently zeroed.
public enum PostgresColumnKind: String, CaseIterable, Sendable {
    case gauge, counter, label, text, bool, timestamp

    /// The JSON value of one cell.
    public func value(fromText text: String?) -> JSONValue {
        guard let text else { return .null }
        switch self {
        case .gauge, .counter:
            guard let number = Double(text) else { return .string(text) }
            return number.isFinite ? .number(number) : .null
        case .bool:
            switch text {
            case "t", "true", "on": return .bool(true)
            case "f", "false", "off": return .bool(false)
            default: return .string(text)
            }
        case .label, .text:
            return .string(text)
        case .timestamp:
            if text == "infinity" || text == "-infinity" { return .null }
            guard let date = WireDate.parse(Self.rfc3339(fromPostgres: text)) else { return .string(text) }
            return .string(WireDate.format(date))
        }
    }

    /// `2025-06-01 12:30:05.123456+00` (or `+05:30`) as `2025-06-01T12:30:05.123456+00:00`.
    static func rfc3339(fromPostgres text: String) -> String {
        var characters = Array(text)
        guard characters.count > 19, characters[10] == " " else { return text }
        characters[10] = "T"
        // The offset starts at the last sign after the seconds; a bare hour gets its minutes.
        if let sign = characters[19...].lastIndex(where: { $0 == "+" || $0 == "-" }), characters.count - sign == 3 {
            characters.append(contentsOf: ":00")
        }
        return String(characters)
    }
}
