import LogstagCore

/// Builds one row of a signal from reply fields, applying the manifest's field map.
///
/// Contract: a reply field name is turned into a column name (`columnName`) and kept only when
/// the field map lists that column, so fields a new server version adds are dropped; the value
/// is converted by the column's `RedisFieldKind`, and `label` columns are written as
/// `tag_<column>`. Numbers that are not finite stay text (JSON has no `inf`).
struct RedisRowBuilder {
    let fields: [String: RedisFieldKind]
    private(set) var row: [String: JSONValue] = [:]

    init(fields: [String: RedisFieldKind]) {
        self.fields = fields
    }

    /// Whether nothing was kept.
    var isEmpty: Bool { row.isEmpty }

    /// `peak.allocated` -> `peak_allocated`, `tot-mem` -> `tot_mem`, `Maxmemory-Policy` -> `maxmemory_policy`.
    static func columnName(_ field: String) -> String {
        String(
            field.lowercased().map { character -> Character in
                character == "-" || character == "." || character == " " ? "_" : character
            })
    }

    /// Adds a field given as text (INFO values, bulk strings).
    mutating func set(_ field: String, _ text: String) {
        let column = Self.columnName(field)
        guard let kind = fields[column] else { return }
        row[Self.key(column, kind)] = Self.value(text, kind: kind)
    }

    /// Adds a field given as an integer reply.
    mutating func set(_ field: String, integer: Int64) {
        let column = Self.columnName(field)
        guard let kind = fields[column] else { return }
        switch kind {
        case .gauge, .counter: row[Self.key(column, kind)] = .number(Double(integer))
        case .label, .text: row[Self.key(column, kind)] = .string(String(integer))
        case .flag: row[Self.key(column, kind)] = .bool(integer != 0)
        }
    }

    /// Adds a field computed by the agent as a boolean.
    mutating func set(_ field: String, flag: Bool) {
        let column = Self.columnName(field)
        guard let kind = fields[column] else { return }
        switch kind {
        case .flag: row[Self.key(column, kind)] = .bool(flag)
        case .gauge, .counter: row[Self.key(column, kind)] = .number(flag ? 1 : 0)
        case .label, .text: row[Self.key(column, kind)] = .string(flag ? "true" : "false")
        }
    }

    /// Adds a reply element: integers as integers, strings as text, anything else is skipped.
    mutating func set(_ field: String, reply: RedisReply) {
        switch reply {
        case .integer(let value): set(field, integer: value)
        case .string(let text), .status(let text): set(field, text)
        case .array, .null, .error: break
        }
    }

    // MARK: - Conversion

    static func key(_ column: String, _ kind: RedisFieldKind) -> String {
        kind == .label ? "tag_" + column : column
    }

    static func value(_ text: String, kind: RedisFieldKind) -> JSONValue {
        switch kind {
        case .gauge, .counter:
            if let number = number(text) { return .number(number) }
            return .string(text)
        case .label, .text:
            return .string(text)
        case .flag:
            switch text.lowercased() {
            case "yes", "on", "1", "true": return .bool(true)
            case "no", "off", "0", "false": return .bool(false)
            default: return .string(text)
            }
        }
    }

    /// A finite number written as text, allowing a trailing `%` (`used_memory_peak_perc:100.19%`).
    static func number(_ text: String) -> Double? {
        var trimmed = Substring(text)
        if trimmed.hasSuffix("%") { trimmed = trimmed.dropLast() }
        guard let value = Double(trimmed), value.isFinite else { return nil }
        return value
    }
}
