import Foundation
import LogstagCore

/// The `Retry-After` header (RFC 9110 section 10.2.3): delay-seconds or an HTTP-date.
///
/// Contract: returns the seconds to wait from `now` (0 for a date in the past), or nil when
/// the value is neither form. Only the IMF-fixdate form of HTTP-date is understood
/// (`Sun, 06 Nov 1994 08:49:37 GMT`), which is what every current server sends.
enum RetryAfter {
    static func seconds(_ value: String, now: Date) -> Double? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(text), seconds >= 0 {
            return Double(seconds)
        }
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[0].hasSuffix(","), parts[5] == "GMT", let month = months[String(parts[2])] else { return nil }
        let iso = "\(parts[3])-\(month)-\(parts[1].count == 1 ? "0" + parts[1] : String(parts[1]))T\(parts[4])Z"
        guard let date = WireDate.parse(iso) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }

    private static let months = [
        "Jan": "01", "Feb": "02", "Mar": "03", "Apr": "04", "May": "05", "Jun": "06",
        "Jul": "07", "Aug": "08", "Sep": "09", "Oct": "10", "Nov": "11", "Dec": "12",
    ]
}
