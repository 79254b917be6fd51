import Foundation

/// How expression values behave: truth, numbers, text, comparison and arithmetic.
///
/// Contract (README "Expressions"): arithmetic with null gives null; a comparison with null is
/// false except `== null` / `!= null` (a literal null: the evaluator handles those); `and`/`or`/`not` treat null as false; numbers compare
/// numerically and text that is a number counts as that number; division by zero gives null.
/// `||` writes null as empty text so that a missing tag does not blank a whole object name.
enum HealthValueSemantics {
    static func isTrue(_ value: JSONValue) -> Bool {
        switch value {
        case .bool(let flag): flag
        case .number(let number): number != 0 && !number.isNaN
        default: false
        }
    }

    /// The number a value stands for: numbers, and text that is a number.
    static func number(_ value: JSONValue) -> Double? {
        switch value {
        case .number(let number): number
        case .string(let text): parseNumber(text)
        default: nil
        }
    }

    static func parseNumber(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, let first = trimmed.unicodeScalars.first,
            first == "-" || first == "+" || first == "." || ("0"..."9").contains(first),
            let number = Double(trimmed), number.isFinite
        else { return nil }
        return number
    }

    /// The value as text: numbers without a needless ".0", booleans as true/false, null as nil.
    static func text(_ value: JSONValue) -> String? {
        switch value {
        case .null: nil
        case .bool(let flag): flag ? "true" : "false"
        case .number(let number): numberText(number)
        case .string(let text): text
        case .array, .object: nil
        }
    }

    static func numberText(_ number: Double) -> String {
        if number.isFinite, number == number.rounded(), Swift.abs(number) < 1e15 { return String(Int64(number)) }
        return String(number)
    }

    static func equals(_ left: JSONValue, _ right: JSONValue) -> Bool {
        switch (left, right) {
        case (.null, _), (_, .null): return false
        case (.string(let a), .string(let b)): return a == b
        case (.bool(let a), .bool(let b)): return a == b
        case (.bool(let flag), .string(let text)), (.string(let text), .bool(let flag)):
            return (flag ? "true" : "false") == text.lowercased()
        default:
            guard let a = number(left), let b = number(right) else { return false }
            return a == b
        }
    }

    /// The order of two values, or nil when they cannot be ordered (null, mixed kinds).
    static func order(_ left: JSONValue, _ right: JSONValue) -> ComparisonResult? {
        switch (left, right) {
        case (.null, _), (_, .null): return nil
        case (.string(let a), .string(let b)):
            if let x = parseNumber(a), let y = parseNumber(b) { return compare(x, y) }
            return a < b ? .orderedAscending : a > b ? .orderedDescending : .orderedSame
        default:
            guard let a = number(left), let b = number(right) else { return nil }
            return compare(a, b)
        }
    }

    private static func compare(_ a: Double, _ b: Double) -> ComparisonResult {
        a < b ? .orderedAscending : a > b ? .orderedDescending : .orderedSame
    }

    static func apply(_ op: HealthBinaryOperator, _ left: JSONValue, _ right: JSONValue) -> JSONValue {
        switch op {
        case .and: return .bool(isTrue(left) && isTrue(right))
        case .or: return .bool(isTrue(left) || isTrue(right))
        case .equal: return .bool(equals(left, right))
        case .notEqual:
            if case .null = left { return .bool(false) }
            if case .null = right { return .bool(false) }
            return .bool(!equals(left, right))
        case .less: return .bool(order(left, right) == .orderedAscending)
        case .lessOrEqual: return .bool(order(left, right).map { $0 != .orderedDescending } ?? false)
        case .greater: return .bool(order(left, right) == .orderedDescending)
        case .greaterOrEqual: return .bool(order(left, right).map { $0 != .orderedAscending } ?? false)
        case .concat: return .string((text(left) ?? "") + (text(right) ?? ""))
        case .add, .subtract, .multiply, .divide, .remainder:
            guard let a = number(left), let b = number(right) else { return .null }
            switch op {
            case .add: return .number(a + b)
            case .subtract: return .number(a - b)
            case .multiply: return .number(a * b)
            case .divide: return b == 0 ? .null : .number(a / b)
            default: return b == 0 ? .null : .number(a.truncatingRemainder(dividingBy: b))
            }
        }
    }

    /// Sort order for result tables: numbers numerically, then text; null last.
    static func ascending(_ left: JSONValue, _ right: JSONValue) -> Bool {
        switch (left, right) {
        case (.null, _): return false
        case (_, .null): return true
        default:
            if let order = order(left, right) { return order == .orderedAscending }
            let leftIsNumber = number(left) != nil
            if leftIsNumber != (number(right) != nil) { return leftIsNumber }
            return (text(left) ?? "") < (text(right) ?? "")
        }
    }
}
