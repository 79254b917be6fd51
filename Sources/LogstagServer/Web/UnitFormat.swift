import Foundation

/// Numbers with units as people read them in reports and chart labels.
///
/// Contract: pure and locale-independent (reports must read the same on every server);
/// units are the catalogue's chart units: percent, bytes, seconds, ms, count, per_second, ratio.
/// Unknown units print the number followed by the unit name.
enum UnitFormat {
    static func format(_ value: Double, unit: String) -> String {
        guard value.isFinite else { return "—" }
        switch unit {
        case "percent": return number(value) + " %"
        case "bytes": return bytes(value)
        case "seconds": return seconds(value)
        case "ms": return abs(value) >= 1000 ? seconds(value / 1000) : number(value) + " ms"
        case "count": return count(value)
        case "per_second": return count(value) + "/s"
        case "ratio": return number(value)
        case "": return number(value)
        default: return number(value) + " " + unit
        }
    }

    /// Up to three significant digits, no exponent: 0.000123 -> "0.000123", 1234.5 -> "1,235".
    static func number(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 1e15 { return String(format: "%.3g", value) }
        if magnitude >= 1000 { return grouped(value.rounded()) }
        if magnitude == 0 { return "0" }
        let decimals = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : min(8, Int((-log10(magnitude)).rounded(.down)) + 3)
        var text = String(format: "%.\(decimals)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    /// Counts: grouped integers below a million, then k/M/G suffixes.
    static func count(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 1e9 { return number(value / 1e9) + " G" }
        if magnitude >= 1e6 { return number(value / 1e6) + " M" }
        if magnitude >= 1000 { return grouped(value.rounded()) }
        return number(value)
    }

    /// Binary multiples, as PostgreSQL's pg_size_pretty and Redis' used_memory_human do.
    static func bytes(_ value: Double) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var scaled = value
        var index = 0
        while abs(scaled) >= 1024, index < units.count - 1 {
            scaled /= 1024
            index += 1
        }
        return (index == 0 ? String(Int(scaled.rounded())) : number(scaled)) + " " + units[index]
    }

    static func seconds(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude < 60 { return number(value) + " s" }
        if magnitude < 3600 { return number(value / 60) + " min" }
        if magnitude < 86400 { return number(value / 3600) + " h" }
        return number(value / 86400) + " d"
    }

    /// A duration for run facts: "42 s", "3 min 5 s", "1 h 2 min".
    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        if total < 60 { return "\(total) s" }
        if total < 3600 { return "\(total / 60) min \(total % 60) s" }
        return "\(total / 3600) h \((total % 3600) / 60) min"
    }

    static func grouped(_ value: Double) -> String {
        let digits = String(Int64(abs(value)))
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return (value < 0 ? "-" : "") + out
    }
}
