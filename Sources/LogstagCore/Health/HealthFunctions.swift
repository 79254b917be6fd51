import Foundation

/// The row-local functions of the expression language, applied to evaluated arguments.
///
/// Contract: a null where a number or text is needed gives null (so the rule reports "no
/// data" rather than a wrong pass); `version_lt` compares dotted numbers component by component
/// (missing components are 0, text after the numbers is ignored); `bytes` knows the units
/// PostgreSQL reports (`B`, `kB`, `8kB`, `MB`, `GB`, `TB`, none) and gives null for others.
enum HealthFunctions {
    static func apply(_ function: HealthFunction, _ values: [JSONValue], now: Date, settings: (String) -> JSONValue?) -> JSONValue {
        switch function {
        case .secondsSince:
            guard let text = values[0].stringValue, let date = WireDate.parse(text) else { return .null }
            return .number(now.timeIntervalSince(date))
        case .setting:
            guard let name = HealthValueSemantics.text(values[0]) else { return .null }
            return settings(name) ?? .null
        case .number:
            return HealthValueSemantics.number(values[0]).map(JSONValue.number) ?? .null
        case .coalesce:
            return values.first { $0 != .null } ?? .null
        case .greatest, .least:
            let present = values.filter { $0 != .null }
            guard var best = present.first else { return .null }
            for candidate in present.dropFirst() {
                guard let order = HealthValueSemantics.order(candidate, best) else { continue }
                if function == .greatest ? order == .orderedDescending : order == .orderedAscending { best = candidate }
            }
            return best
        case .abs:
            return HealthValueSemantics.number(values[0]).map { .number(Swift.abs($0)) } ?? .null
        case .round:
            guard let number = HealthValueSemantics.number(values[0]) else { return .null }
            var digits = 0.0
            if values.count > 1 {
                guard let given = HealthValueSemantics.number(values[1]) else { return .null }
                digits = given.rounded()
            }
            let scale = pow(10, digits)
            return .number((number * scale).rounded(.toNearestOrAwayFromZero) / scale)
        case .lower:
            return HealthValueSemantics.text(values[0]).map { .string($0.lowercased()) } ?? .null
        case .contains, .startsWith:
            guard let text = HealthValueSemantics.text(values[0]), let part = HealthValueSemantics.text(values[1]) else { return .null }
            return .bool(function == .contains ? (part.isEmpty || text.contains(part)) : text.hasPrefix(part))
        case .in:
            guard values[0] != .null else { return .bool(false) }
            return .bool(values.dropFirst().contains { HealthValueSemantics.equals(values[0], $0) })
        case .versionLt:
            guard let a = HealthValueSemantics.text(values[0]), let b = HealthValueSemantics.text(values[1]),
                let left = versionParts(a), let right = versionParts(b)
            else { return .null }
            for index in 0..<max(left.count, right.count) {
                let x = index < left.count ? left[index] : 0
                let y = index < right.count ? right[index] : 0
                if x != y { return .bool(x < y) }
            }
            return .bool(false)
        case .bytes:
            guard let number = HealthValueSemantics.number(values[0]) else { return .null }
            let unit = HealthValueSemantics.text(values[1]) ?? ""
            guard let multiplier = byteMultiplier(unit) else { return .null }
            return .number(number * multiplier)
        }
    }

    /// "7.0.15" -> [7, 0, 15]; "16.2 (Debian 16.2-1)" -> [16, 2]; nil when it starts with no digit.
    static func versionParts(_ text: String) -> [Int]? {
        var parts: [Int] = []
        var digits = ""
        for character in text.trimmingCharacters(in: .whitespaces).drop(while: { $0 == "v" || $0 == "V" }) {
            if character.isASCII, character.isNumber {
                digits.append(character)
            } else if character == ".", !digits.isEmpty {
                parts.append(Int(digits) ?? 0)
                digits = ""
            } else {
                break
            }
        }
        if !digits.isEmpty { parts.append(Int(digits) ?? 0) }
        return parts.isEmpty ? nil : parts
    }

    /// "8kB" -> 8192, "MB" -> 1048576, "" -> 1; nil for units that are not sizes ("ms").
    static func byteMultiplier(_ unit: String) -> Double? {
        let trimmed = unit.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
        let factor = digits.isEmpty ? 1 : Double(digits) ?? 1
        let suffix = trimmed.dropFirst(digits.count).lowercased()
        let base: Double
        switch suffix {
        case "", "b": base = 1
        case "kb": base = 1024
        case "mb": base = 1024 * 1024
        case "gb": base = 1024 * 1024 * 1024
        case "tb": base = 1024 * 1024 * 1024 * 1024
        default: return nil
        }
        return factor * base
    }
}
