import Foundation

/// Builds a complete report from a catalogue and a snapshot.
///
/// Contract: evaluates every rule; `findings` are sorted Critical, Attention, Healthy, then by
/// tab, then catalogue order; `limitations` by tab then catalogue order. Recommendations: one
/// per non-healthy finding in finding order, Critical findings in the Critical group, Attention
/// findings in the rule's group (default: Performance/Configuration -> Optimization, else
/// Strategic). The header's duration is `finishedAt - startedAt` (or `generatedAt - startedAt`
/// while unfinished), its window `snapshot.windowStart...snapshot.now`, its score 0 when
/// nothing could be evaluated. With `previous`, every finding gets a `FindingDelta`.
public enum HealthReportBuilder {
    public static func build(
        context: HealthReportContext, catalogue: HealthCatalogue, snapshot: HealthSnapshot, charts: [ReportChart], previous: HealthReport?
    ) -> HealthReport {
        let evaluator = HealthExpressionEvaluator(snapshot: snapshot, settings: catalogue.settings, settingsRow: catalogue.settingsRowSignal)
        let outcomes = HealthEvaluator(catalogue: catalogue).evaluate(snapshot)
        let rulesByID = Dictionary(catalogue.rules.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var findings = outcomes.compactMap(\.finding).enumerated().sorted { a, b in
            if a.element.status != b.element.status { return a.element.status > b.element.status }
            if a.element.tab != b.element.tab { return a.element.tab < b.element.tab }
            return a.offset < b.offset
        }.map(\.element)
        if let previous {
            for index in findings.indices {
                findings[index].delta = HealthFindingDeltas.delta(for: findings[index], rule: rulesByID[findings[index].ruleID], previous: previous)
            }
        }
        let limitations = outcomes.compactMap(\.limitation).enumerated().sorted { a, b in
            a.element.tab != b.element.tab ? a.element.tab < b.element.tab : a.offset < b.offset
        }.map(\.element)
        let score = HealthScoring.score(findings, limitations: limitations)
        let recommendations = findings.compactMap { finding -> HealthRecommendation? in
            let group: HealthRecommendation.Group
            switch finding.status {
            case .healthy: return nil
            case .critical: group = .critical
            case .attention:
                group = rulesByID[finding.ruleID]?.attentionGroup
                    ?? (finding.tab == .performance || finding.tab == .configuration ? .optimization : .strategic)
            }
            return HealthRecommendation(
                group: group, ruleID: finding.ruleID, title: finding.title, status: finding.status, actions: finding.actions,
                effortDays: finding.effortDays)
        }
        let header = HealthReportHeader(
            runID: context.runID, assetID: context.assetID, instanceName: context.instanceName, engine: context.engine,
            version: context.version, platform: context.platform,
            runStatus: context.finishedAt == nil ? .generatingReport : .completed, trigger: context.trigger,
            startedAt: context.startedAt, finishedAt: context.finishedAt, generatedAt: context.generatedAt,
            durationSeconds: max(0, (context.finishedAt ?? context.generatedAt).timeIntervalSince(context.startedAt)),
            windowStart: snapshot.windowStart, windowEnd: snapshot.now, overallScore: score.overall ?? 0, result: score.result,
            attentionCount: findings.count { $0.status == .attention }, criticalCount: findings.count { $0.status == .critical },
            catalogueVersion: catalogue.version)
        return HealthReport(
            header: header, score: score, findings: findings, limitations: limitations, recommendations: recommendations, charts: charts,
            scope: HealthScopeBuilder.scope(catalogue: catalogue, snapshot: snapshot, evaluator: evaluator))
    }
}
