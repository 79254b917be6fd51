import Foundation
import Testing
import LogstagCore

struct HealthCodingTests {
    static func report() throws -> HealthReport {
        let now = Date(timeIntervalSince1970: 1_750_000_000.25)
        let catalogue = try HealthCatalogue.parse(HealthReportBuilderTests.catalogueText)
        let snapshot = HealthReportBuilderTests.signals(tables: [HealthReportBuilderTests.table("orders", size: 5000)])
        let previous = HealthReportBuilder.build(
            context: HealthReportBuilderTests.context(runID: "run-1"), catalogue: catalogue, snapshot: snapshot, charts: [], previous: nil)
        let chart = ReportChart(id: "sessions", title: "Active sessions", unit: "count", points: [ChartPoint(time: now, value: 3)])
        return HealthReportBuilder.build(context: HealthReportBuilderTests.context(), catalogue: catalogue, snapshot: snapshot, charts: [chart], previous: previous)
    }

    @Test func reportRoundTripsThroughHealthCoding() throws {
        let report = try Self.report()
        let data = try HealthCoding.encoder().encode(report)
        let decoded = try HealthCoding.decoder().decode(HealthReport.self, from: data)
        #expect(decoded == report)
    }

    @Test func keysAreSnakeCase() throws {
        let data = try HealthCoding.encoder().encode(try Self.report())
        let json = try #require(String(data: data, encoding: .utf8))
        for key in ["\"rule_id\"", "\"effort_days\"", "\"run_id\"", "\"overall_score\"", "\"catalogue_version\"", "\"previous_run_id\"", "\"total_rows\"", "\"window_start\""] {
            #expect(json.contains(key), "\(key)")
        }
        #expect(!json.contains("\"ruleID\""))
        #expect(!json.contains("\"effortDays\""))
    }

    @Test func comparisonRoundTrips() throws {
        let report = try Self.report()
        let comparison = HealthComparer.compare(base: report, target: report)
        let data = try HealthCoding.encoder().encode(comparison)
        #expect(try HealthCoding.decoder().decode(HealthComparison.self, from: data) == comparison)
        #expect(String(data: data, encoding: .utf8)?.contains("\"base_run_id\"") == true)
    }
}
