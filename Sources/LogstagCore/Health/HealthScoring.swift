/// The health score of a report (DESIGN.md section 1).
///
/// Contract: per tab `clamp(healthy/total*100 - 30*critical - 10*attention, 0, 100)` over the
/// evaluated checks of that tab; overall = the mean of the tab scores weighted by
/// `HealthTab.weight`, renormalised over the tabs that have evaluated checks; result Healthy
/// iff overall >= 60. No evaluated check at all: overall nil, Unhealthy (nothing was seen).
/// Band per tab from healthy/total*100: >= 90 success, >= 70 warn, else critical. Limitations
/// are counted per tab but never scored; a tab with only limitations has no `TabScore`.
public enum HealthScoring {
    public static func score(_ findings: [HealthFinding], limitations: [CoverageLimitation] = []) -> HealthScore {
        var tabs: [TabScore] = []
        for tab in HealthTab.allCases {
            let inTab = findings.filter { $0.tab == tab }
            guard !inTab.isEmpty else { continue }
            let healthy = inTab.count { $0.status == .healthy }
            let attention = inTab.count { $0.status == .attention }
            let critical = inTab.count { $0.status == .critical }
            let healthyPercent = Double(healthy) / Double(inTab.count) * 100
            let score = min(max(healthyPercent - 30 * Double(critical) - 10 * Double(attention), 0), 100)
            let band: TabBand = healthyPercent >= 90 ? .success : healthyPercent >= 70 ? .warn : .critical
            tabs.append(
                TabScore(
                    tab: tab, score: score, healthy: healthy, attention: attention, critical: critical, total: inTab.count,
                    limitations: limitations.count { $0.tab == tab }, band: band))
        }
        let weights = tabs.reduce(0) { $0 + $1.tab.weight }
        guard weights > 0 else { return HealthScore(overall: nil, result: .unhealthy, tabs: []) }
        let overall = tabs.reduce(0) { $0 + $1.score * $1.tab.weight } / weights
        return HealthScore(overall: overall, result: overall >= 60 ? .healthy : .unhealthy, tabs: tabs)
    }
}
