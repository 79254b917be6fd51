import Foundation

/// Evaluates parsed expressions against one snapshot.
///
/// Contract: one instance per snapshot and thread (it is not Sendable: it caches). Everything
/// that does not depend on the current row is computed once per snapshot: aggregates over a
/// signal (by `HealthAggregate.cacheKey`), the settings map, baseline rows indexed by their
/// `tag_*` values and `lookup` indexes. Rows of unavailable signals are never read.
public final class HealthExpressionEvaluator {
    public let snapshot: HealthSnapshot
    private let settingsSource: HealthSettingsSource?
    private let settingsRowSignal: String?

    private var row: [String: JSONValue] = [:]
    private var rowSignal: String?
    private var rowIndex: Int?
    private var measured: JSONValue = .null
    private var rowTagKey: String?

    private lazy var settings: [String: JSONValue] = buildSettings()
    private var aggregates: [String: JSONValue] = [:]
    private var baselineIndexes: [String: [String: [String: JSONValue]]] = [:]
    private var lookupIndexes: [String: [String: [String: JSONValue]]] = [:]
    /// Tag keys of the latest rows per signal, by row position (filled as needed).
    private var latestTagKeys: [String: [String?]] = [:]

    /// `settings` is where `setting('name')` reads; without it, `settingsRow` names a one-row
    /// signal whose columns are the settings (Redis: `redis_config`).
    public init(snapshot: HealthSnapshot, settings: HealthSettingsSource? = nil, settingsRow: String? = nil) {
        self.snapshot = snapshot
        settingsSource = settings
        settingsRowSignal = settingsRow
    }

    /// The value of `expression` for `row` of signal `rowSignal` (nil for instance-level
    /// expressions), with `value` bound to the measured value in conditions.
    public func evaluate(_ expression: HealthExpression, row: [String: JSONValue] = [:], rowSignal: String? = nil, value: JSONValue = .null) -> JSONValue {
        evaluate(expression, row: row, rowSignal: rowSignal, rowIndex: nil, value: value)
    }

    /// `rowIndex`: the row's position in `rows(of: rowSignal)`, so per-row work (its tag key
    /// for `delta`) is done once per snapshot instead of once per rule.
    func evaluate(_ expression: HealthExpression, row: [String: JSONValue], rowSignal: String?, rowIndex: Int?, value: JSONValue = .null) -> JSONValue {
        // Saved one by one, not as a tuple: tuple metadata is looked up at run time in debug builds.
        let savedRow = self.row
        let savedSignal = self.rowSignal
        let savedIndex = self.rowIndex
        let savedMeasured = measured
        let savedTagKey = rowTagKey
        self.row = row
        self.rowSignal = rowSignal
        self.rowIndex = rowIndex
        measured = value
        rowTagKey = nil
        let result = eval(expression)
        self.row = savedRow
        self.rowSignal = savedSignal
        self.rowIndex = savedIndex
        measured = savedMeasured
        rowTagKey = savedTagKey
        return result
    }

    /// The rows of a signal that carries data (empty when absent or unavailable).
    func rows(of signal: String) -> [[String: JSONValue]] {
        guard let observed = snapshot.signals[signal], observed.status == .ok else { return [] }
        return observed.rows
    }

    // MARK: - The tree walk

    private func eval(_ expression: HealthExpression) -> JSONValue {
        switch expression {
        case .literal(let value): return value
        case .column(let name): return row[name] ?? .null
        case .measured: return measured
        case .negate(let inner):
            guard let number = HealthValueSemantics.number(eval(inner)) else { return .null }
            return .number(-number)
        case .not(let inner): return .bool(!HealthValueSemantics.isTrue(eval(inner)))
        case .binary(let op, let left, let right):
            // Short-circuit: conditions often guard a costly right side.
            switch op {
            case .and: return HealthValueSemantics.isTrue(eval(left)) ? .bool(HealthValueSemantics.isTrue(eval(right))) : .bool(false)
            case .or: return HealthValueSemantics.isTrue(eval(left)) ? .bool(true) : .bool(HealthValueSemantics.isTrue(eval(right)))
            case .equal, .notEqual:
                // Only a comparison with the literal null tests for null (`x == null`, `x != null`);
                // any other comparison involving a null value is false, `!=` included.
                let a = eval(left)
                let b = eval(right)
                if Self.isNullLiteral(left) || Self.isNullLiteral(right) {
                    let bothNull = a == .null && b == .null
                    return .bool(op == .equal ? bothNull : !bothNull)
                }
                return HealthValueSemantics.apply(op, a, b)
            default: return HealthValueSemantics.apply(op, eval(left), eval(right))
            }
        case .call(let function, let arguments): return call(function, arguments)
        case .delta(let column): return delta(column).map(JSONValue.number) ?? .null
        case .rate(let column):
            guard let growth = delta(column), let signal = rowSignal, let observed = snapshot.signals[signal],
                let baselineAt = observed.baselineAt
            else { return .null }
            let seconds = observed.collectedAt.timeIntervalSince(baselineAt)
            return seconds > 0 ? .number(growth / seconds) : .null
        case .aggregate(let aggregate):
            if let cached = aggregates[aggregate.cacheKey] { return cached }
            let result = compute(aggregate)
            aggregates[aggregate.cacheKey] = result
            return result
        case .lookup(let signal, let matchColumn, let match, let column):
            guard let key = Self.lookupKey(eval(match)) else { return .null }
            let indexKey = signal + "\u{1F}" + matchColumn
            if lookupIndexes[indexKey] == nil {
                var index: [String: [String: JSONValue]] = [:]
                for candidate in rows(of: signal) {
                    if let candidateKey = Self.lookupKey(candidate[matchColumn] ?? .null), index[candidateKey] == nil {
                        index[candidateKey] = candidate
                    }
                }
                lookupIndexes[indexKey] = index
            }
            return lookupIndexes[indexKey]?[key]?[column] ?? .null
        case .first(let signal, let column):
            return rows(of: signal).first?[column] ?? .null
        }
    }

    private static func isNullLiteral(_ expression: HealthExpression) -> Bool {
        if case .literal(.null) = expression { true } else { false }
    }

    /// Equal lookup keys for values that `==` finds equal (8192 and '8192').
    private static func lookupKey(_ value: JSONValue) -> String? {
        switch value {
        case .null, .array, .object: return nil
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number): return "#" + HealthValueSemantics.numberText(number)
        case .string(let text):
            if let number = HealthValueSemantics.parseNumber(text) { return "#" + HealthValueSemantics.numberText(number) }
            let lowered = text.lowercased()
            return lowered == "true" || lowered == "false" ? lowered : "'" + text
        }
    }

    // MARK: - Baseline

    /// Counter growth of `column` for the current row; the latest value after a reset; nil
    /// without a baseline row with the same tags.
    private func delta(_ column: String) -> Double? {
        guard let signal = rowSignal, let current = HealthValueSemantics.number(row[column] ?? .null) else { return nil }
        if rowTagKey == nil { rowTagKey = currentTagKey(signal) }
        guard let baselineRow = baselineIndex(signal)[rowTagKey!],
            let before = HealthValueSemantics.number(baselineRow[column] ?? .null)
        else { return nil }
        return current < before ? current : current - before
    }

    private func currentTagKey(_ signal: String) -> String {
        guard let rowIndex else { return Self.tagKey(row) }
        if latestTagKeys[signal] == nil { latestTagKeys[signal] = Array(repeating: nil, count: rows(of: signal).count) }
        guard rowIndex < latestTagKeys[signal]!.count else { return Self.tagKey(row) }
        if let key = latestTagKeys[signal]![rowIndex] { return key }
        let key = Self.tagKey(row)
        latestTagKeys[signal]![rowIndex] = key
        return key
    }

    private func baselineIndex(_ signal: String) -> [String: [String: JSONValue]] {
        if let index = baselineIndexes[signal] { return index }
        var index: [String: [String: JSONValue]] = [:]
        if let observed = snapshot.signals[signal], observed.status == .ok {
            for baselineRow in observed.baseline ?? [] {
                let key = Self.tagKey(baselineRow)
                if index[key] == nil { index[key] = baselineRow }
            }
        }
        baselineIndexes[signal] = index
        return index
    }

    /// The row's identity: its `tag_*` columns, sorted.
    static func tagKey(_ row: [String: JSONValue]) -> String {
        row.filter { $0.key.hasPrefix("tag_") }
            .sorted { $0.key < $1.key }
            .map { $0.key + "=" + (HealthValueSemantics.text($0.value) ?? "") }
            .joined(separator: "\u{1F}")
    }

    // MARK: - Aggregates

    private func compute(_ aggregate: HealthAggregate) -> JSONValue {
        let savedRow = row
        let savedSignal = rowSignal
        let savedIndex = rowIndex
        let savedMeasured = measured
        let savedTagKey = rowTagKey
        defer {
            row = savedRow
            rowSignal = savedSignal
            rowIndex = savedIndex
            measured = savedMeasured
            rowTagKey = savedTagKey
        }
        rowSignal = aggregate.signal
        measured = .null
        var count = 0
        var numbers: [Double] = []
        var deltas = 0
        for (index, candidate) in rows(of: aggregate.signal).enumerated() {
            row = candidate
            rowIndex = index
            rowTagKey = nil
            if let filter = aggregate.filter, !HealthValueSemantics.isTrue(eval(filter)) { continue }
            count += 1
            guard let column = aggregate.column else { continue }
            if aggregate.kind == .sumDelta {
                if let growth = delta(column) {
                    numbers.append(growth)
                    deltas += 1
                }
            } else if let number = HealthValueSemantics.number(candidate[column] ?? .null) {
                numbers.append(number)
            }
        }
        switch aggregate.kind {
        case .count: return .number(Double(count))
        case .sum: return .number(numbers.reduce(0, +))
        case .max: return numbers.max().map(JSONValue.number) ?? .null
        case .min: return numbers.min().map(JSONValue.number) ?? .null
        case .sumDelta: return deltas == 0 ? .null : .number(numbers.reduce(0, +))
        }
    }

    // MARK: - Functions

    private func call(_ function: HealthFunction, _ arguments: [HealthExpression]) -> JSONValue {
        switch function {
        case .coalesce:
            for argument in arguments {
                let value = eval(argument)
                if value != .null { return value }
            }
            return .null
        case .in:
            let needle = eval(arguments[0])
            if needle == .null { return .bool(false) }
            return .bool(arguments.dropFirst().contains { HealthValueSemantics.equals(needle, eval($0)) })
        default:
            return HealthFunctions.apply(function, arguments.map(eval), now: snapshot.now, settings: { self.settings[$0] })
        }
    }

    private func buildSettings() -> [String: JSONValue] {
        guard let source = settingsSource else {
            guard let settingsRowSignal, let first = rows(of: settingsRowSignal).first else { return [:] }
            return first.compactMapValues { HealthValueSemantics.text($0).map(JSONValue.string) }
        }
        var map: [String: JSONValue] = [:]
        for settingRow in rows(of: source.signal) {
            guard let name = HealthValueSemantics.text(settingRow[source.nameColumn] ?? .null), map[name] == nil else { continue }
            map[name] = HealthValueSemantics.text(settingRow[source.valueColumn] ?? .null).map(JSONValue.string) ?? .null
        }
        return map
    }
}
