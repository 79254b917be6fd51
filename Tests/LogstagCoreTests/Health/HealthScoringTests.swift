import Testing
import LogstagCore

struct HealthScoringTests {
    static func finding(_ tab: HealthTab, _ status: FindingStatus, _ id: String = "r") -> HealthFinding {
        HealthFinding(
            ruleID: id, tab: tab, title: id, status: status, result: "", value: nil, evidence: "", insight: "", threshold: "",
            table: ResultTable(), effortDays: nil, actions: [], scope: "instance", objects: [], signals: [])
    }

    static func findings(_ tab: HealthTab, healthy: Int, attention: Int = 0, critical: Int = 0) -> [HealthFinding] {
        Array(repeating: finding(tab, .healthy), count: healthy) + Array(repeating: finding(tab, .attention), count: attention)
            + Array(repeating: finding(tab, .critical), count: critical)
    }

    @Test func tabScoreFollowsTheFormula() throws {
        // 8 of 10 healthy = 80, minus 10 for one attention, minus 30 for one critical = 40.
        let score = HealthScoring.score(Self.findings(.performance, healthy: 8, attention: 1, critical: 1))
        let tab = try #require(score.tabs.first)
        #expect(score.tabs.count == 1)
        #expect(tab.tab == .performance)
        #expect(tab.score == 40)
        #expect((tab.healthy, tab.attention, tab.critical, tab.total) == (8, 1, 1, 10))
        #expect(tab.band == .warn)
        #expect(score.overall == 40)
        #expect(score.result == .unhealthy)
    }

    @Test func tabScoreIsClampedAtZero() throws {
        let score = HealthScoring.score(Self.findings(.security, healthy: 1, critical: 3))
        #expect(score.tabs.first?.score == 0)
        #expect(score.tabs.first?.band == .critical)
        #expect(score.overall == 0)
    }

    @Test func overallRenormalisesWeightsOverTabsWithChecks() throws {
        // Performance (30) all healthy = 100; Configuration (20): 3 of 4 healthy, one attention = 65.
        // Overall = (100*30 + 65*20) / 50 = 86; the other tabs have no checks and do not count.
        let findings = Self.findings(.performance, healthy: 5) + Self.findings(.configuration, healthy: 3, attention: 1)
        let score = HealthScoring.score(findings)
        #expect(score.tabs.map(\.tab) == [.configuration, .performance])
        #expect(score.tabs.map(\.score) == [65, 100])
        #expect(score.overall == 86)
        #expect(score.result == .healthy)
        #expect(score.tabs.map(\.band) == [.warn, .success])
    }

    @Test func allFiveTabsUseTheDesignWeights() throws {
        // Configuration 2/2 = 100; Schema 1/2 = 50 - 10 = 40; Performance 0/1 - 30 -> 0;
        // Security 4/4 = 100; Maintenance 9/10 = 90 - 10 = 80.
        var findings = Self.findings(.configuration, healthy: 2)
        findings += Self.findings(.schema, healthy: 1, attention: 1)
        findings += Self.findings(.performance, healthy: 0, critical: 1)
        findings += Self.findings(.security, healthy: 4)
        findings += Self.findings(.maintenance, healthy: 9, attention: 1)
        let score = HealthScoring.score(findings)
        let byTab = Dictionary(uniqueKeysWithValues: score.tabs.map { ($0.tab, $0.score) })
        #expect(byTab == [.configuration: 100, .schema: 40, .performance: 0, .security: 100, .maintenance: 80])
        let weighted: Double = 100 * 20 + 40 * 15 + 0 * 30 + 100 * 25 + 80 * 10
        let expected = weighted / 100
        #expect(score.overall == expected)
        #expect(score.result == .unhealthy)  // 59 < 60
    }

    @Test func resultIsHealthyAtSixty() throws {
        // 9 of 10 healthy (90) minus 30 for one critical = 60: exactly at the line.
        let score = HealthScoring.score(Self.findings(.schema, healthy: 9, critical: 1))
        #expect(score.overall == 60)
        #expect(score.result == .healthy)
        #expect(score.tabs.first?.band == .success)
    }

    @Test func limitationsAreCountedNotScored() throws {
        let limitation = CoverageLimitation(ruleID: "x", tab: .performance, title: "x", reason: .permission, message: "m", signals: [])
        let securityOnly = CoverageLimitation(ruleID: "y", tab: .security, title: "y", reason: .noData, message: "m", signals: [])
        let score = HealthScoring.score(Self.findings(.performance, healthy: 1), limitations: [limitation, limitation, securityOnly])
        #expect(score.tabs.count == 1)
        #expect(score.tabs.first?.limitations == 2)
        #expect(score.tabs.first?.total == 1)
        #expect(score.overall == 100)
    }

    @Test func nothingEvaluatedIsUnhealthyWithoutScore() {
        let score = HealthScoring.score([])
        #expect(score.overall == nil)
        #expect(score.result == .unhealthy)
        #expect(score.tabs.isEmpty)
    }
}
