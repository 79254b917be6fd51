import Foundation

/// Evaluates every rule of a catalogue against a snapshot (README "Evaluation").
///
/// Contract: `evaluate` returns one outcome per rule, in catalogue order. A rule whose signal
/// is unavailable is a limitation with that signal's reason and message; a signal never
/// collected, a null instance value or a row rule without any evaluable row is a `no_data`
/// limitation (except `when_empty = "healthy"` when no row matched `where`). Row rules take
/// the worst row; offending rows form the result table (capped at `ResultTable.maxRows`,
/// sorted by value) and the object list (uncapped). `effortDays` is set only when not Healthy.
public struct HealthEvaluator: Sendable {
    public let catalogue: HealthCatalogue

    public init(catalogue: HealthCatalogue) {
        self.catalogue = catalogue
    }

    public func evaluate(_ snapshot: HealthSnapshot) -> [RuleOutcome] {
        let evaluator = HealthExpressionEvaluator(snapshot: snapshot, settings: catalogue.settings, settingsRow: catalogue.settingsRowSignal)
        return catalogue.rules.map { evaluate($0, snapshot: snapshot, evaluator: evaluator) }
    }

    private func evaluate(_ rule: HealthRule, snapshot: HealthSnapshot, evaluator: HealthExpressionEvaluator) -> RuleOutcome {
        if let limitation = missingSignal(rule, snapshot) { return .limitation(limitation) }
        if let rows = rule.rows {
            return evaluateRows(rule, signal: rows, snapshot: snapshot, evaluator: evaluator)
        }
        let value = evaluator.evaluate(rule.value)
        guard value != .null else {
            return .limitation(limitation(rule, .noData, "\(rule.valueSource) has no value in the collected data, so \"\(rule.title)\" could not be checked."))
        }
        let status = rule.status(of: value, row: [:], rowSignal: nil, evaluator: evaluator)
        let result = rule.resultTemplate.map { HealthFindingWords.fill($0, value: value, unit: rule.unit, count: status == .healthy ? 0 : 1, total: 1) }
            ?? rule.unit.format(value)
        let evidence = HealthFindingWords.collected(rule, snapshot) + "; measured value \(rule.unit.format(value))."
        return .finding(finding(rule, status: status, result: result, value: value, evidence: evidence, table: ResultTable(), objects: []))
    }

    /// The first unavailable signal (its reason), else the first one never collected.
    private func missingSignal(_ rule: HealthRule, _ snapshot: HealthSnapshot) -> CoverageLimitation? {
        for name in rule.signals {
            guard let observed = snapshot.signals[name], observed.status == .unavailable else { continue }
            let reason = observed.reason.flatMap { CoverageLimitation.Reason(rawValue: $0.rawValue) } ?? .error
            let message = observed.message.flatMap { $0.isEmpty ? nil : $0 }
                ?? "Signal \(name) is unavailable: \(HealthFindingWords.reasonWords(observed.reason))."
            return limitation(rule, reason, message)
        }
        if let name = rule.signals.first(where: { snapshot.signals[$0] == nil }) {
            return limitation(rule, .noData, "Signal \(name) has not been collected for this asset yet.")
        }
        return nil
    }

    private struct OffendingRow {
        var row: [String: JSONValue]
        var value: JSONValue
        var status: FindingStatus
        var order: Int
    }

    private func evaluateRows(_ rule: HealthRule, signal: String, snapshot: HealthSnapshot, evaluator: HealthExpressionEvaluator) -> RuleOutcome {
        let rows = evaluator.rows(of: signal)
        let descending = rule.sort == .descending
        /// True when `a` comes before `b` in the rule's order (the "most extreme" first).
        func before(_ a: JSONValue, _ b: JSONValue) -> Bool {
            // Values here are never null (null rows are skipped), so no null ordering is needed.
            descending ? HealthValueSemantics.ascending(b, a) : HealthValueSemantics.ascending(a, b)
        }
        var matched = 0
        var evaluated = 0
        var extreme: JSONValue = .null
        var offending: [OffendingRow] = []
        for (index, row) in rows.enumerated() {
            if let filter = rule.filter, !HealthValueSemantics.isTrue(evaluator.evaluate(filter, row: row, rowSignal: signal, rowIndex: index)) {
                continue
            }
            matched += 1
            let value = evaluator.evaluate(rule.value, row: row, rowSignal: signal, rowIndex: index)
            if value == .null { continue }
            evaluated += 1
            if extreme == .null || before(value, extreme) { extreme = value }
            let status = rule.status(of: value, row: row, rowSignal: signal, evaluator: evaluator)
            if status != .healthy { offending.append(OffendingRow(row: row, value: value, status: status, order: offending.count)) }
        }
        if matched == 0 {
            if rule.whenEmpty == .noData {
                return .limitation(limitation(rule, .noData, "No row of \(signal)\(rule.filterSource.map { " matched \($0)" } ?? " was collected"), so \"\(rule.title)\" could not be checked."))
            }
        } else if evaluated == 0 {
            let hint = rule.value.usesBaseline ? "; counter deltas need an earlier snapshot inside the report window" : ""
            return .limitation(limitation(rule, .noData, "No row of \(signal) had a value for \(rule.valueSource)\(hint), so \"\(rule.title)\" could not be checked."))
        }
        offending.sort { a, b in
            if before(a.value, b.value) { return true }
            if before(b.value, a.value) { return false }
            return a.order < b.order
        }
        let status = offending.map(\.status).max() ?? .healthy
        let worst = offending.first { $0.status == status }?.value ?? extreme
        let result = HealthFindingWords.rowResult(rule, status: status, value: worst, count: offending.count, total: evaluated)
        var evidence = HealthFindingWords.collected(rule, snapshot) + "; \(HealthUnit.grouped(Double(evaluated))) "
            + HealthFindingWords.plural("row", evaluated) + " evaluated"
        if matched > evaluated { evidence += " (\(HealthUnit.grouped(Double(matched - evaluated))) without a value)" }
        evidence += ", \(HealthUnit.grouped(Double(offending.count))) beyond the threshold"
        if worst != .null { evidence += "; \(status == .healthy ? "most extreme" : "worst") value \(rule.unit.format(worst))" }
        evidence += "."
        let columns = rule.show + ["value"]
        let table = ResultTable(
            columns: offending.isEmpty ? [] : columns,
            rows: offending.prefix(ResultTable.maxRows).map { entry in rule.show.map { entry.row[$0] ?? .null } + [entry.value] },
            totalRows: offending.count)
        let objects = offending.map { objectName(rule, $0.row, signal: signal, evaluator: evaluator) }
        return .finding(finding(rule, status: status, result: result, value: worst, evidence: evidence, table: table, objects: objects))
    }

    /// The rule's `object` expression, else the `tag_*` columns of `show` (else of the row) joined with '.'.
    private func objectName(_ rule: HealthRule, _ row: [String: JSONValue], signal: String, evaluator: HealthExpressionEvaluator) -> String {
        if let object = rule.object, let name = HealthValueSemantics.text(evaluator.evaluate(object, row: row, rowSignal: signal)), !name.isEmpty {
            return name
        }
        var tags = rule.show.filter { $0.hasPrefix("tag_") }
        if tags.isEmpty { tags = row.keys.filter { $0.hasPrefix("tag_") }.sorted() }
        let name = tags.compactMap { row[$0].flatMap(HealthValueSemantics.text) }.joined(separator: ".")
        return name.isEmpty ? rule.scope : name
    }

    private func finding(
        _ rule: HealthRule, status: FindingStatus, result: String, value: JSONValue, evidence: String, table: ResultTable, objects: [String]
    ) -> HealthFinding {
        HealthFinding(
            ruleID: rule.id, tab: rule.tab, title: rule.title, status: status, result: result, value: value == .null ? Optional<JSONValue>.none : value,
            evidence: evidence, insight: rule.insight, threshold: HealthFindingWords.threshold(rule), table: table,
            effortDays: status == .healthy ? nil : rule.effortDays, actions: rule.actions, scope: rule.scope, objects: objects,
            signals: rule.signals)
    }

    private func limitation(_ rule: HealthRule, _ reason: CoverageLimitation.Reason, _ message: String) -> CoverageLimitation {
        CoverageLimitation(ruleID: rule.id, tab: rule.tab, title: rule.title, reason: reason, message: message, signals: rule.signals)
    }
}
