import Foundation

/// How a rule's value (or a chart's series) is shown to people.
///
/// Contract: the raw value is the catalogue name; `format` never fails: a value that is not a
/// number for a numeric unit is shown as text, null as "no value". Bytes use 1024-based
/// units (KB, MB, GB, TB); durations switch from s to min, h and d as they grow.
public enum HealthUnit: String, Sendable, Equatable, CaseIterable {
    case count, percent, bytes, seconds, ms, ratio, text, bool
    case perSecond = "per_second"

    public func format(_ value: JSONValue) -> String {
        if value == .null { return "no value" }
        switch self {
        case .text: return HealthValueSemantics.text(value) ?? "no value"
        case .bool:
            if case .bool(let flag) = value { return flag ? "true" : "false" }
            return HealthValueSemantics.text(value) ?? "no value"
        default:
            guard let number = HealthValueSemantics.number(value) else { return HealthValueSemantics.text(value) ?? "no value" }
            return format(number: number)
        }
    }

    public func format(number: Double) -> String {
        switch self {
        case .count: return Self.grouped(number)
        case .percent: return Self.decimal(number, 1) + " %"
        case .bytes: return Self.bytes(number)
        case .seconds: return Self.duration(number)
        case .ms: return Self.decimal(number, 1) + " ms"
        case .ratio: return Self.decimal(number, 2)
        case .perSecond: return Self.decimal(number, 1) + "/s"
        case .text, .bool: return HealthValueSemantics.numberText(number)
        }
    }

    /// At most `digits` decimals, without trailing zeros: 83.25 -> "83.3" (1), 80.0 -> "80".
    static func decimal(_ number: Double, _ digits: Int) -> String {
        guard number.isFinite else { return String(number) }
        // Round half away from zero first: printf would round 85.25 to even (85.2).
        let scale = pow(10, Double(digits))
        var text = String(format: "%.\(digits)f", (number * scale).rounded(.toNearestOrAwayFromZero) / scale)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    /// 12345 -> "12,345"; fractions keep one decimal.
    static func grouped(_ number: Double) -> String {
        let text = decimal(number, 1)
        let negative = text.hasPrefix("-")
        let body = negative ? String(text.dropFirst()) : text
        let parts = body.split(separator: ".", maxSplits: 1)
        var integer = String(parts[0])
        var groups: [String] = []
        while integer.count > 3 {
            groups.insert(String(integer.suffix(3)), at: 0)
            integer.removeLast(3)
        }
        groups.insert(integer, at: 0)
        return (negative ? "-" : "") + groups.joined(separator: ",") + (parts.count > 1 ? "." + parts[1] : "")
    }

    static func bytes(_ number: Double) -> String {
        let units = ["B", "KB", "MB", "GB", "TB", "PB"]
        var scaled = number
        var index = 0
        while Swift.abs(scaled) >= 1024, index < units.count - 1 {
            scaled /= 1024
            index += 1
        }
        return decimal(scaled, index == 0 ? 0 : 1) + " " + units[index]
    }

    static func duration(_ seconds: Double) -> String {
        let magnitude = Swift.abs(seconds)
        if magnitude < 120 { return decimal(seconds, 1) + " s" }
        if magnitude < 7200 { return decimal(seconds / 60, 1) + " min" }
        if magnitude < 172_800 { return decimal(seconds / 3600, 1) + " h" }
        return decimal(seconds / 86_400, 1) + " d"
    }
}
