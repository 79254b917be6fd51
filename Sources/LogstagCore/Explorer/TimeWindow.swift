import Foundation

/// The time window of an explorer page: a preset ("Last 24 hours") or a custom range (reference 2.0).
///
/// Contract: `end > start` always holds. A preset window ends at the `now` it was made with; a
/// custom window spans at most `maxCustomSpan`. `previous` is the window of equal length that ends
/// where this one starts (the trend baseline). `parse(queryString)` round-trips: parsing the
/// `queryString` of a window with the same `now` gives the same window (custom bounds at
/// millisecond precision). Times are UTC; nothing here reads the clock.
public struct TimeWindow: Sendable, Equatable {
    public enum Preset: String, Sendable, CaseIterable {
        case hour = "1h", day = "24h", week = "7d", month = "30d"

        public var duration: TimeInterval {
            switch self {
            case .hour: 3600
            case .day: 86_400
            case .week: 7 * 86_400
            case .month: 30 * 86_400
            }
        }

        /// "Last 1 hour", "Last 24 hours", "Last 7 days", "Last 30 days".
        public var label: String {
            switch self {
            case .hour: "Last 1 hour"
            case .day: "Last 24 hours"
            case .week: "Last 7 days"
            case .month: "Last 30 days"
            }
        }
    }

    public let start: Date
    public let end: Date
    /// nil for a custom range (including the `previous` of a preset: it is no longer "the last hour").
    public let preset: Preset?

    public var duration: TimeInterval { end.timeIntervalSince(start) }

    /// 400 days: the default retention of the hourly rollup, the oldest data a chart can show.
    public static let maxCustomSpan: TimeInterval = 400 * 86_400

    public init(preset: Preset, now: Date) {
        self.init(start: now.addingTimeInterval(-preset.duration), end: now, preset: preset)
    }

    /// A custom range. Errors name `to`, the bound that is wrong relative to `from`.
    public init(start: Date, end: Date) throws(TimeWindowError) {
        guard start.timeIntervalSince1970.isFinite, end.timeIntervalSince1970.isFinite else {
            throw TimeWindowError(parameter: "to", message: "The time range must have finite bounds.")
        }
        guard end > start else {
            throw TimeWindowError(
                parameter: "to",
                message: "to (\(Self.isoText(end))) must be later than from (\(Self.isoText(start))).")
        }
        guard end.timeIntervalSince(start) <= Self.maxCustomSpan else {
            throw TimeWindowError(
                parameter: "to",
                message: "The range from \(Self.isoText(start)) to \(Self.isoText(end)) is longer than the maximum of 400 days.")
        }
        self.init(start: start, end: end, preset: nil)
    }

    private init(start: Date, end: Date, preset: Preset?) {
        self.start = start
        self.end = end
        self.preset = preset
    }

    /// The preceding window of equal length (ends where this one starts).
    public var previous: TimeWindow {
        TimeWindow(start: start.addingTimeInterval(-duration), end: start, preset: nil)
    }

    /// Parses query parameters: `window=1h|24h|7d|30d` (default `defaultPreset`), or `from`+`to` as
    /// ISO 8601 (`2026-11-20T10:00:00Z`) or Unix seconds. Errors name the parameter and the bad value.
    ///
    /// Empty values count as absent (an HTML form submits its empty fields). When `from` or `to` is
    /// present the range is custom and `window` is ignored, so a custom-range form may keep a hidden
    /// `window` field. ISO 8601 without a zone (`2026-11-20T10:00`, what `<input type=datetime-local>`
    /// sends) is read as UTC, the zone every label shows.
    public static func parse(
        window: String?, from: String?, to: String?, now: Date, defaultPreset: Preset = .hour
    ) throws(TimeWindowError) -> TimeWindow {
        let from = present(from)
        let to = present(to)
        if from != nil || to != nil {
            guard let fromText = from else {
                throw TimeWindowError(parameter: "from", message: "from is required when to is given.")
            }
            guard let toText = to else {
                throw TimeWindowError(parameter: "to", message: "to is required when from is given.")
            }
            let start = try instant(fromText, parameter: "from")
            let end = try instant(toText, parameter: "to")
            return try TimeWindow(start: start, end: end)
        }
        guard let windowText = present(window) else { return TimeWindow(preset: defaultPreset, now: now) }
        guard let preset = Preset(rawValue: windowText) else {
            let choices = Preset.allCases.map(\.rawValue).joined(separator: ", ")
            throw TimeWindowError(
                parameter: "window", message: "window '\(clipped(windowText))' is not one of \(choices).")
        }
        return TimeWindow(preset: preset, now: now)
    }

    /// Query-string form for links: "window=24h" or "from=...&to=..." (ISO 8601 in UTC, whose
    /// characters need no percent-encoding in a query).
    public var queryString: String {
        if let preset { return "window=" + preset.rawValue }
        return "from=" + Self.isoText(start) + "&to=" + Self.isoText(end)
    }

    /// Human label: "Last 1 hour" ... or "20 Nov 10:00 – 21 Nov 10:00 UTC". The year is shown
    /// when the range does not lie within one year, seconds when a bound has any.
    public var label: String {
        if let preset { return preset.label }
        let first = CivilTime(start)
        let last = CivilTime(end)
        let withYear = first.year != last.year
        let withSeconds = first.second != 0 || last.second != 0
        return first.text(year: withYear, seconds: withSeconds) + " – " + last.text(year: withYear, seconds: withSeconds) + " UTC"
    }

    // MARK: - Parsing helpers

    private static func present(_ text: String?) -> String? {
        guard let trimmed = text?.trimmingCharacters(in: .whitespaces), !trimmed.isEmpty else { return nil }
        return trimmed
    }

    private static func instant(_ text: String, parameter: String) throws(TimeWindowError) -> Date {
        if let seconds = unixSeconds(text) { return Date(timeIntervalSince1970: seconds) }
        if let date = WireDate.parse(text) ?? zonelessUTC(text) { return date }
        throw TimeWindowError(
            parameter: parameter,
            message: "\(parameter) '\(clipped(text))' is not an ISO 8601 date-time (2026-11-20T10:00:00Z) or Unix seconds.")
    }

    /// Non-negative decimal seconds: "1763632800" or "1763632800.5". Digits only, so "1e9",
    /// "-5", "0x10" and "inf" are rejected rather than read in surprising ways.
    private static func unixSeconds(_ text: String) -> Double? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.utf8.count <= 12,
            whole.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 })
        else { return nil }
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        }
        return Double(text)
    }

    /// "2026-11-20T10:00" or "2026-11-20T10:00:00" read as UTC.
    private static func zonelessUTC(_ text: String) -> Date? {
        let b = Array(text.utf8)
        if b.count == 16 { return WireDate.parse(text + ":00Z") }
        if b.count == 19 { return WireDate.parse(text + "Z") }
        return nil
    }

    /// Echoed values are clipped so an absurd parameter cannot blow up an error page.
    private static func clipped(_ text: String) -> String {
        text.count <= 40 ? text : String(text.prefix(40)) + "…"
    }

    /// `2026-11-20T10:00:00Z`, with milliseconds only when the instant has them.
    static func isoText(_ date: Date) -> String {
        let full = WireDate.format(date)  // YYYY-MM-DDTHH:MM:SS.mmmZ
        return full.hasSuffix(".000Z") ? String(full.dropLast(5)) + "Z" : full
    }
}

/// A UTC calendar reading of an instant, for labels.
private struct CivilTime {
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    let year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int

    init(_ date: Date) {
        // WireDate already does the calendar arithmetic; read its fixed-width fields back.
        let text = Array(WireDate.format(date).utf8)
        func field(_ range: Range<Int>) -> Int { Int(String(decoding: text[range], as: UTF8.self)) ?? 0 }
        let yearEnd = text.count - 20  // years beyond 9999 widen the first field
        year = field(0..<yearEnd)
        month = field((yearEnd + 1)..<(yearEnd + 3))
        day = field((yearEnd + 4)..<(yearEnd + 6))
        hour = field((yearEnd + 7)..<(yearEnd + 9))
        minute = field((yearEnd + 10)..<(yearEnd + 12))
        second = field((yearEnd + 13)..<(yearEnd + 15))
    }

    /// "20 Nov 10:00", "20 Nov 2026 10:00", "20 Nov 10:00:30".
    func text(year showYear: Bool, seconds showSeconds: Bool) -> String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        var out = "\(day) \(Self.months[max(0, min(11, month - 1))])"
        if showYear { out += " \(year)" }
        out += " \(two(hour)):\(two(minute))"
        if showSeconds { out += ":\(two(second))" }
        return out
    }
}

/// A rejected time-window query parameter.
///
/// Contract: `parameter` is the query parameter to fix (`window`, `from` or `to`); `message` is a
/// full sentence for people that quotes the bad value (clipped to 40 characters).
public struct TimeWindowError: Error, Sendable, Equatable, CustomStringConvertible {
    public let parameter: String
    public let message: String

    public init(parameter: String, message: String) {
        self.parameter = parameter
        self.message = message
    }

    public var description: String { message }
}
