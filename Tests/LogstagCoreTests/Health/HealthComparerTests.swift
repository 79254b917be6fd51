import Foundation
import Testing
import LogstagCore

struct HealthComparerTests {
    static func finding(_ id: String, _ status: FindingStatus, value: JSONValue? = nil, objects: [String] = []) -> HealthFinding {
        HealthFinding(
            ruleID: id, tab: .schema, title: "Rule \(id)", status: status, result: "\(status.rawValue) \(id)", value: value, evidence: "",
            insight: "", threshold: "", table: ResultTable(), effortDays: nil, actions: [], scope: "table", objects: objects, signals: [])
    }

    static func report(_ runID: String, score: Double?, findings: [HealthFinding], objects: [ScopeObject] = [], settings: [ScopeSetting] = []) -> HealthReport {
        let date = Date(timeIntervalSince1970: 1_750_000_000)
        let header = HealthReportHeader(
            runID: runID, assetID: "a", instanceName: "db", engine: .postgresql, version: nil, platform: nil, runStatus: .completed,
            trigger: "manual", startedAt: date, finishedAt: date, generatedAt: date, durationSeconds: 0, windowStart: date, windowEnd: date,
            overallScore: score ?? 0, result: .healthy, attentionCount: 0, criticalCount: 0, catalogueVersion: 1)
        return HealthReport(
            header: header, score: HealthScore(overall: score, result: .healthy, tabs: []), findings: findings, limitations: [],
            recommendations: [], charts: [], scope: ReportScope(objects: objects, totalObjects: objects.count, settings: settings))
    }

    @Test func findingsAreAddedRemovedAndModified() {
        let base = Self.report(
            "r1", score: 70,
            findings: [
                Self.finding("fixed", .critical), Self.finding("gone", .attention), Self.finding("same", .attention, value: 5, objects: ["a"]),
                Self.finding("worse", .attention, value: 5), Self.finding("more", .attention, objects: ["a"]), Self.finding("appears", .healthy),
            ])
        let target = Self.report(
            "r2", score: 55,
            findings: [
                Self.finding("fixed", .healthy), Self.finding("same", .attention, value: 5, objects: ["a"]), Self.finding("worse", .critical, value: 9),
                Self.finding("more", .attention, objects: ["a", "b"]), Self.finding("appears", .attention), Self.finding("brand_new", .critical),
            ])
        let comparison = HealthComparer.compare(base: base, target: target)
        #expect(comparison.baseRunID == "r1")
        #expect(comparison.targetRunID == "r2")
        #expect(comparison.scoreBefore == 70)
        #expect(comparison.scoreAfter == 55)
        #expect(comparison.addedFindings.map(\.ruleID) == ["appears", "brand_new"])
        #expect(comparison.addedFindings.first?.before == .healthy)
        #expect(comparison.addedFindings.last?.before == nil)
        #expect(comparison.removedFindings.map(\.ruleID) == ["fixed", "gone"])
        #expect(comparison.removedFindings.first?.after == .healthy)
        #expect(comparison.removedFindings.last?.after == nil)
        #expect(comparison.modifiedFindings.map(\.ruleID) == ["worse", "more"])
        #expect(comparison.modifiedFindings.first?.before == .attention)
        #expect(comparison.modifiedFindings.first?.after == .critical)
        #expect(comparison.modifiedFindings.first?.resultAfter == "Critical worse")
    }

    @Test func objectsAndSettingsAreCompared() {
        let base = Self.report(
            "r1", score: nil, findings: [],
            objects: [
                ScopeObject(kind: "table", name: "public.a", fingerprint: "1"), ScopeObject(kind: "table", name: "public.b", fingerprint: "2"),
                ScopeObject(kind: "index", name: "public.a_pkey", fingerprint: "3"),
            ],
            settings: [ScopeSetting(name: "fsync", value: "on"), ScopeSetting(name: "work_mem", value: "4MB"), ScopeSetting(name: "old", value: "x")])
        let target = Self.report(
            "r2", score: nil, findings: [],
            objects: [
                ScopeObject(kind: "table", name: "public.a", fingerprint: "1"), ScopeObject(kind: "table", name: "public.b", fingerprint: "9"),
                ScopeObject(kind: "table", name: "public.c", fingerprint: "4"),
            ],
            settings: [ScopeSetting(name: "fsync", value: "on"), ScopeSetting(name: "work_mem", value: "64MB"), ScopeSetting(name: "jit", value: "on")])
        let comparison = HealthComparer.compare(base: base, target: target)
        #expect(comparison.addedObjects == [ScopeObject(kind: "table", name: "public.c", fingerprint: "4")])
        #expect(comparison.removedObjects == [ScopeObject(kind: "index", name: "public.a_pkey", fingerprint: "3")])
        #expect(comparison.modifiedObjects == [ScopeObject(kind: "table", name: "public.b", fingerprint: "9")])
        #expect(comparison.changedSettings == [
            SettingChange(name: "jit", before: nil, after: "on"), SettingChange(name: "old", before: "x", after: nil),
            SettingChange(name: "work_mem", before: "4MB", after: "64MB"),
        ])
        #expect(comparison.scoreBefore == nil)
    }

    @Test func identicalReportsHaveNoChanges() {
        let report = Self.report(
            "r1", score: 80, findings: [Self.finding("x", .attention, value: 3, objects: ["a"])],
            objects: [ScopeObject(kind: "table", name: "t", fingerprint: "1")], settings: [ScopeSetting(name: "a", value: "b")])
        let comparison = HealthComparer.compare(base: report, target: report)
        #expect(comparison.addedFindings.isEmpty)
        #expect(comparison.removedFindings.isEmpty)
        #expect(comparison.modifiedFindings.isEmpty)
        #expect(comparison.addedObjects.isEmpty && comparison.removedObjects.isEmpty && comparison.modifiedObjects.isEmpty)
        #expect(comparison.changedSettings.isEmpty)
    }
}
