import Foundation

/// The sentences of findings and limitations: results, thresholds, evidence, reasons.
///
/// Contract: pure functions of a rule and what was measured; times are written in UTC as
/// `2025-06-01 12:00:05 UTC`.
enum HealthFindingWords {
    /// "table" -> "tables", "index" -> "indexes", "query" -> "queries".
    static func plural(_ noun: String, _ count: Int = 2) -> String {
        if count == 1 { return noun }
        if noun.hasSuffix("y"), let before = noun.dropLast().last, !"aeiou".contains(before) { return noun.dropLast() + "ies" }
        if noun.hasSuffix("s") || noun.hasSuffix("x") || noun.hasSuffix("ch") || noun.hasSuffix("sh") { return noun + "es" }
        return noun + "s"
    }

    static func utc(_ date: Date) -> String {
        let wire = WireDate.format(date)
        return wire.prefix(10) + " " + wire.dropFirst(11).prefix(8) + " UTC"
    }

    /// "attention above 80 %, critical above 90 %", or the rule's own words.
    static func threshold(_ rule: HealthRule) -> String {
        if let text = rule.thresholdText { return text }
        var parts: [String] = []
        if let attention = rule.attention { parts.append("attention " + attention.words(unit: rule.unit)) }
        if let critical = rule.critical { parts.append("critical " + critical.words(unit: rule.unit)) }
        return parts.joined(separator: ", ")
    }

    /// `result = "..."` with {value}, {count} and {total} filled in.
    static func fill(_ template: String, value: JSONValue, unit: HealthUnit, count: Int, total: Int) -> String {
        template.replacingOccurrences(of: "{value}", with: unit.format(value))
            .replacingOccurrences(of: "{count}", with: HealthUnit.grouped(Double(count)))
            .replacingOccurrences(of: "{total}", with: HealthUnit.grouped(Double(total)))
    }

    /// "3 of 120 tables: worst 83.2 %", "1 setting: off", "No tables above the threshold (120 checked)".
    static func rowResult(_ rule: HealthRule, status: FindingStatus, value: JSONValue, count: Int, total: Int) -> String {
        if let template = rule.resultTemplate {
            return fill(template, value: value, unit: rule.unit, count: count, total: total)
        }
        if status == .healthy {
            if total == 0 { return "No \(plural(rule.scope)) to check" }
            let place: String
            switch rule.worseWhenHigher {
            case true?: place = "above the threshold"
            case false?: place = "below the threshold"
            case nil: place = "at fault"
            }
            return "No \(plural(rule.scope)) \(place) (\(HealthUnit.grouped(Double(total))) checked)"
        }
        let counted = total > count
            ? "\(HealthUnit.grouped(Double(count))) of \(HealthUnit.grouped(Double(total))) \(plural(rule.scope, total))"
            : "\(HealthUnit.grouped(Double(count))) \(plural(rule.scope, count))"
        let shown = rule.unit.format(value)
        let isWord = rule.unit == .text || rule.unit == .bool
        return counted + ": " + (count == 1 || isWord ? shown : "worst " + shown)
    }

    /// "pg_tables collected 2025-06-01 12:00:05 UTC (compared with ...)".
    static func collected(_ rule: HealthRule, _ snapshot: HealthSnapshot) -> String {
        let usesBaseline = rule.value.usesBaseline || rule.filter?.usesBaseline == true
        return rule.signals.compactMap { name -> String? in
            guard let observed = snapshot.signals[name] else { return nil }
            var text = "\(name) collected \(utc(observed.collectedAt))"
            if usesBaseline, let baselineAt = observed.baselineAt {
                text += " (compared with \(utc(baselineAt)))"
            }
            return text
        }.joined(separator: "; ")
    }

    static func reasonWords(_ reason: UnavailableReason?) -> String {
        switch reason {
        case .permission: "the monitoring user lacks the privilege to read it"
        case .unsupported: "this engine version or edition does not provide it"
        case .disabled: "its collection is turned off in the agent configuration"
        case .error, nil: "collecting it failed"
        }
    }
}
