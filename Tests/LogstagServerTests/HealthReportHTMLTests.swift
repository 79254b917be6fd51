import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LogstagCore
import LogstagStorage
import Testing

@testable import LogstagServer

/// The report as HTML (page fragment and standalone export), its SVG charts, and the Health
/// pages around it (asset list and detail, run page, export download, compare).
@Suite("Health report HTML")
struct HealthReportHTMLTests {
    static let start = Date(timeIntervalSince1970: 1_790_000_000)
    static let hostile = "<script>alert('x')</script>"

    // MARK: - Fixture (Core model values built by hand)

    static func finding(_ id: String, _ tab: HealthTab, _ status: FindingStatus, title: String, result: String = "ok",
                        rows: [[JSONValue]] = [], totalRows: Int? = nil, actions: [String] = [], delta: FindingDelta? = nil) -> HealthFinding
    {
        HealthFinding(
            ruleID: id, tab: tab, title: title, status: status, result: result, value: .number(1), evidence: "pg_settings at 12:00 UTC",
            insight: "Why \(title) matters", threshold: "attention above 80 %, critical above 90 %", delta: delta,
            table: ResultTable(columns: rows.isEmpty ? [] : ["object", "size"], rows: rows, totalRows: totalRows ?? rows.count),
            effortDays: status == .healthy ? nil : 0.5, actions: actions, scope: "table", objects: [], signals: ["pg_settings"])
    }

    static func report(
        overall: Double? = 72.4, findings: [HealthFinding]? = nil, limitations: [CoverageLimitation]? = nil,
        recommendations: [HealthRecommendation]? = nil, charts: [ReportChart]? = nil, scope: ReportScope? = nil
    ) -> HealthReport {
        let findings = findings ?? [
            finding("fsync_off", .configuration, .critical, title: "fsync is off", result: "fsync = off", actions: ["ALTER SYSTEM SET fsync = on;"]),
            finding("duplicate_indexes", .schema, .attention, title: "Duplicate indexes", result: "2 duplicate indexes (48 MB)",
                    rows: [["public.orders_idx", 1_048_576], [.string(hostile), .null]], totalRows: 7,
                    delta: FindingDelta(previousRunID: "run-0", previousStatus: .healthy, previousValue: 0, change: .worse, objectsAdded: 2, objectsRemoved: 0)),
            finding("cache_hit_ratio", .performance, .healthy, title: "Cache hit ratio", result: "99.2 %"),
            finding("ssl_off", .security, .healthy, title: "SSL enabled", result: "ssl = on"),
        ]
        let limitations = limitations ?? [
            CoverageLimitation(ruleID: "stat_statements", tab: .performance, title: "Top queries by total time", reason: .permission,
                               message: "GRANT pg_read_all_stats TO monitor;", signals: ["pg_stat_statements"]),
        ]
        let recommendations = recommendations ?? [
            HealthRecommendation(group: .critical, ruleID: "fsync_off", title: "fsync is off", status: .critical,
                                 actions: ["ALTER SYSTEM SET fsync = on;"], effortDays: 0.5),
        ]
        let charts = charts ?? [
            ReportChart(id: "connections", title: "Connections", unit: "count",
                        points: (0..<12).map { ChartPoint(time: start.addingTimeInterval(Double($0) * 600), value: Double(10 + $0)) }),
            ReportChart(id: "tps", title: "Transactions per second", unit: "per_second", points: []),
        ]
        let scope = scope ?? ReportScope(
            objects: [ScopeObject(kind: "table", name: "shop.public.orders", fingerprint: "a1")], totalObjects: 1, truncated: false,
            counts: [ScopeCount(kind: "table", count: 1)], settings: [ScopeSetting(name: "shared_buffers", value: "128MB")])
        let tabs = HealthTab.allCases.filter { tab in findings.contains { $0.tab == tab } }.map { tab -> TabScore in
            let inTab = findings.filter { $0.tab == tab }
            let healthy = inTab.filter { $0.status == .healthy }.count
            let critical = inTab.filter { $0.status == .critical }.count
            let attention = inTab.filter { $0.status == .attention }.count
            return TabScore(tab: tab, score: critical > 0 ? 0 : attention > 0 ? 40 : 100, healthy: healthy, attention: attention, critical: critical,
                            total: inTab.count, limitations: 0, band: healthy == inTab.count ? .success : .critical)
        }
        let result: HealthResult = (overall ?? 0) >= 60 ? .healthy : .unhealthy
        let header = HealthReportHeader(
            runID: "run-1", assetID: "asset-1", instanceName: "orders-db", engine: .postgresql, version: "15.4", platform: "self-hosted",
            runStatus: .completed, trigger: "manual", startedAt: start.addingTimeInterval(7200), finishedAt: start.addingTimeInterval(7242),
            generatedAt: start.addingTimeInterval(7242), durationSeconds: 42, windowStart: start, windowEnd: start.addingTimeInterval(7200),
            overallScore: overall ?? 0, result: result, attentionCount: findings.filter { $0.status == .attention }.count,
            criticalCount: findings.filter { $0.status == .critical }.count, catalogueVersion: 1)
        return HealthReport(header: header, score: HealthScore(overall: overall, result: result, tabs: tabs), findings: findings,
                            limitations: limitations, recommendations: recommendations, charts: charts, scope: scope)
    }

    // MARK: - Fragment

    @Test("The fragment has the reference structure: info, system health, tabs, trends, recommendations, limitations, scope")
    func structure() throws {
        let html = HealthReportHTML.render(report: Self.report())
        let order = ["Health Check info", "System Health", "id=\"tab-configuration\"", "id=\"tab-schema\"", "id=\"tab-performance\"",
                     "id=\"tab-security\"", "Performance trends", "Recommendations", "Coverage limitations", "id=\"scope\""]
        var cursor = html.startIndex
        for marker in order {
            let found = try #require(html.range(of: marker, range: cursor..<html.endIndex), "missing or out of order: \(marker)")
            cursor = found.upperBound
        }
        // No findings in Maintenance: no Maintenance tab.
        #expect(!html.contains("id=\"tab-maintenance\""))
        for text in ["orders-db", "PostgreSQL", "15.4", "self-hosted", "Completed", "42 s", "Overall health score",
                     "fsync = off", "Why fsync is off matters", "attention above 80 %", "0.5 person-days", "ALTER SYSTEM SET fsync = on;",
                     "Showing 2 of 7 rows", "Worse", "GRANT pg_read_all_stats TO monitor;", "Missing permission", "shared_buffers", "128MB"] {
            #expect(html.contains(text), "missing \(text)")
        }
        // Problems are articles; healthy checks sit collapsed in a <details> without `open`.
        #expect(html.contains("<article class=\"finding finding--critical\" id=\"finding-fsync_off\""))
        #expect(html.contains("<article class=\"finding finding--attention\" id=\"finding-duplicate_indexes\""))
        #expect(!html.contains("<article class=\"finding finding--healthy\""))
        #expect(html.contains("<details class=\"healthy-findings\"><summary class=\"healthy-findings__summary\">1 healthy check</summary>"))
        #expect(html.contains("Cache hit ratio"))
        // Counts in the header come from the report.
        #expect(html.contains("<strong>1</strong> critical"))
        #expect(html.contains("<strong>1</strong> attention"))
        // No inline styles: the UI's CSP forbids them.
        #expect(!html.contains("style="))
    }

    @Test("Every string from the monitored database is escaped")
    func escaping() {
        let hostileFinding = Self.finding(
            Self.hostile, .schema, .critical, title: "Table \(Self.hostile)", result: "value \"><img src=x onerror=alert(1)>",
            rows: [[.string(Self.hostile), 1]], actions: ["DROP TABLE \"\(Self.hostile)\";"])
        let report = Self.report(
            findings: [hostileFinding],
            limitations: [CoverageLimitation(ruleID: "x", tab: .schema, title: Self.hostile, reason: .error, message: Self.hostile, signals: [])],
            recommendations: [HealthRecommendation(group: .critical, ruleID: Self.hostile, title: Self.hostile, status: .critical, actions: [Self.hostile], effortDays: 1)],
            charts: [ReportChart(id: Self.hostile, title: Self.hostile, unit: Self.hostile, points: [ChartPoint(time: Self.start, value: 1), ChartPoint(time: Self.start.addingTimeInterval(60), value: 2)])],
            scope: ReportScope(objects: [ScopeObject(kind: Self.hostile, name: Self.hostile, fingerprint: "")], totalObjects: 1,
                               counts: [ScopeCount(kind: Self.hostile, count: 1)], settings: [ScopeSetting(name: Self.hostile, value: Self.hostile)]))
        var withHostileName = report
        withHostileName.header.instanceName = Self.hostile
        for html in [HealthReportHTML.render(report: withHostileName), HealthReportExport.document(report: withHostileName)] {
            #expect(!html.contains("<script"), "a raw <script> got through")
            #expect(!html.contains("<img"), "a raw <img> got through")
            #expect(!html.contains("onerror=alert(1)>"))
            #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
            #expect(html.contains("value &quot;&gt;&lt;img src=x onerror=alert(1)&gt;"))
        }
        // Ids made from hostile rule ids keep only safe characters.
        #expect(HTMLText.anchor(Self.hostile) == "-script-alert--x----script-")
    }

    @Test("Score colour bands: >= 80 green, 60-79 amber, < 60 red; no score is none")
    func bands() {
        #expect(HealthReportHTML.Band.of(100) == "good")
        #expect(HealthReportHTML.Band.of(80) == "good")
        #expect(HealthReportHTML.Band.of(79.4) == "warn")
        #expect(HealthReportHTML.Band.of(60) == "warn")
        #expect(HealthReportHTML.Band.of(59.4) == "bad")
        #expect(HealthReportHTML.Band.of(0) == "bad")
        #expect(HealthReportHTML.Band.of(nil) == "none")
        let good = HealthReportHTML.render(report: Self.report(overall: 91))
        #expect(good.contains("report-verdict--good"))
        #expect(good.contains("data-score=\"91\">91</span>"))
        #expect(good.contains(">Healthy</span>"))
        let amber = HealthReportHTML.render(report: Self.report(overall: 65))
        #expect(amber.contains("report-verdict--warn"))
        let red = HealthReportHTML.render(report: Self.report(overall: 12))
        #expect(red.contains("report-verdict--bad"))
        #expect(red.contains(">Unhealthy</span>"))
        let none = HealthReportHTML.render(report: Self.report(overall: nil, findings: []))
        #expect(none.contains("report-verdict--none"))
        #expect(none.contains("No check could be evaluated"))
        // Tab cards carry the System Health band (healthy share), separate from the score colour.
        #expect(good.contains("tab-score tab-score--critical\" data-tab=\"Configuration\""))
        #expect(good.contains("tab-score tab-score--success\" data-tab=\"Performance\""))
    }

    @Test("Empty groups and sections say so")
    func emptyStates() {
        let html = HealthReportHTML.render(report: Self.report(limitations: [], recommendations: [], charts: [], scope: ReportScope()))
        for text in ["No critical recommendations.", "No optimization recommendations.", "No strategic recommendations.",
                     "Every check could be evaluated.", "No performance trend is defined", "No schema objects in scope", "No settings recorded."] {
            #expect(html.contains(text), "missing \(text)")
        }
        let full = HealthReportHTML.render(report: Self.report())
        #expect(!full.contains("No critical recommendations."))
        #expect(full.contains("No optimization recommendations."))
        // A tab with only healthy checks says nothing needs attention.
        #expect(full.contains("No finding needs attention in Performance."))
    }

    @Test("The scope lists at most 5,000 objects and says how many there are")
    func scopeCap() {
        let objects = (0..<ReportScope.maxObjects).map { ScopeObject(kind: "table", name: "public.t\($0)", fingerprint: "") }
        let scope = ReportScope(objects: objects, totalObjects: 12_345, truncated: true, counts: [ScopeCount(kind: "table", count: 12_345)])
        let html = HealthReportHTML.render(report: Self.report(scope: scope))
        #expect(html.contains("Objects: showing 5,000 of 12,345"))
        #expect(html.contains("public.t4999"))
        #expect(html.contains("<strong>12,345</strong> table"))
        let capped = HealthReportHTML.render(report: Self.report(scope: scope), options: .init(objectLimit: 10))
        #expect(capped.contains("showing 10 of 12,345"))
        #expect(!capped.contains("public.t10<"))
    }

    // MARK: - Charts

    @Test("A chart is an inline SVG with axes, min/max labels in its unit and time labels")
    func chart() {
        let points = (0..<13).map { ChartPoint(time: Self.start.addingTimeInterval(Double($0) * 600), value: Double($0) * 1_048_576) }
        let svg = SVGChart.render(ReportChart(id: "mem", title: "Memory", unit: "bytes", points: points),
                                  windowStart: Self.start, windowEnd: Self.start.addingTimeInterval(7200))
        #expect(svg.contains("<svg class=\"chart__svg\""))
        #expect(svg.contains("<path class=\"chart__line\" d=\"M"))
        #expect(svg.contains("max 12 MiB"))
        #expect(svg.contains("min 0 B"))
        #expect(svg.contains(">12 MiB</text>"))  // top of the value axis
        #expect(svg.contains("class=\"chart__xlabel\""))
        #expect(!svg.contains(SVGChart.emptyText))
        #expect(!svg.contains("style="))
        // The report embeds one per chart; the empty one shows its empty state.
        let html = HealthReportHTML.render(report: Self.report())
        #expect(html.components(separatedBy: "<svg class=\"chart__svg\"").count - 1 == 2)
        #expect(html.contains(SVGChart.emptyText))
    }

    @Test("Fewer than two points draw the empty state")
    func chartEmpty() {
        for points in [[], [ChartPoint(time: Self.start, value: 3)]] {
            let svg = SVGChart.render(ReportChart(id: "c", title: "C", unit: "percent", points: points), windowStart: Self.start,
                                      windowEnd: Self.start.addingTimeInterval(3600))
            #expect(svg.contains("No data in this window"))
            #expect(!svg.contains("<path"))
        }
    }

    @Test("Longer windows get wider time-label intervals")
    func timeLabels() {
        let hour = SVGChart.tickInterval(span: 3600)
        let day = SVGChart.tickInterval(span: 86400)
        let week = SVGChart.tickInterval(span: 7 * 86400)
        #expect(hour < day)
        #expect(day < week)
        let spans: [TimeInterval] = [20, 600, 3600, 6 * 3600, 86400, 3 * 86400, 7 * 86400, 30 * 86400]
        for span in spans {
            let ticks = SVGChart.timeTicks(start: Self.start, end: Self.start.addingTimeInterval(span))
            #expect(ticks.count >= 1 && ticks.count <= 6, "\(span): \(ticks.count) ticks")
        }
        // Seconds for a new instance's first minute, hours within a day, dates across a week.
        #expect(SVGChart.timeTicks(start: Self.start, end: Self.start.addingTimeInterval(20)).allSatisfy { $0.1.count == 8 })
        let dayTicks = SVGChart.timeTicks(start: Self.start, end: Self.start.addingTimeInterval(6 * 3600))
        #expect(dayTicks.allSatisfy { $0.1.contains(":") })
        let weekTicks = SVGChart.timeTicks(start: Self.start, end: Self.start.addingTimeInterval(7 * 86400))
        #expect(weekTicks.allSatisfy { !$0.1.contains(":") })
    }

    @Test("A hole in the samples is a gap, not a bridged line")
    func gaps() {
        var points = (0..<5).map { ChartPoint(time: Self.start.addingTimeInterval(Double($0) * 60), value: 1) }
        points += (0..<5).map { ChartPoint(time: Self.start.addingTimeInterval(3600 + Double($0) * 60), value: 2) }
        #expect(SVGChart.segments(points).count == 2)
        let svg = SVGChart.render(ReportChart(id: "g", title: "G", unit: "count", points: points), windowStart: Self.start,
                                  windowEnd: Self.start.addingTimeInterval(4000))
        #expect(svg.components(separatedBy: "<path class=\"chart__line\"").count - 1 == 2)
        let even = (0..<10).map { ChartPoint(time: Self.start.addingTimeInterval(Double($0) * 60), value: 1) }
        #expect(SVGChart.segments(even).count == 1)
    }

    @Test("Units read as people expect")
    func units() {
        #expect(UnitFormat.format(1536, unit: "bytes") == "1.5 KiB")
        #expect(UnitFormat.format(512, unit: "bytes") == "512 B")
        #expect(UnitFormat.format(3 * 1_073_741_824, unit: "bytes") == "3 GiB")
        #expect(UnitFormat.format(93.456, unit: "percent") == "93.5 %")
        #expect(UnitFormat.format(1234.4, unit: "per_second") == "1,234/s")
        #expect(UnitFormat.format(0.25, unit: "ms") == "0.25 ms")
        #expect(UnitFormat.format(0.36954, unit: "per_second") == "0.37/s")
        #expect(UnitFormat.number(0.0012345) == "0.00123")
        #expect(UnitFormat.format(2500, unit: "ms") == "2.5 s")
        #expect(UnitFormat.format(7200, unit: "seconds") == "2 h")
        #expect(UnitFormat.format(2_500_000, unit: "count") == "2.5 M")
        #expect(UnitFormat.format(.nan, unit: "count") == "—")
        #expect(UnitFormat.duration(185) == "3 min 5 s")
    }

    // MARK: - Export

    @Test("The export is one self-contained document with every finding and print rules")
    func exportSelfContained() throws {
        let report = Self.report()
        let html = HealthReportExport.document(report: report)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<style>"))
        #expect(html.contains("@media print"))
        #expect(html.contains(".report-tab { break-before: page; }"))
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.lowercased().contains("<link"))
        #expect(!html.contains("@import"))
        #expect(!html.contains("url("))
        // No reference leaves the document: only in-page fragments (#...) and the SVG namespace.
        let references = try Regex(#"(?:src|href)\s*=\s*"([^"]*)""#)
        for match in html.matches(of: references) {
            let target = String(match.output[1].substring ?? "")
            #expect(target.hasPrefix("#"), "external reference: \(target)")
        }
        #expect(!html.contains("http://") || html.components(separatedBy: "http://").count - 1
            == html.components(separatedBy: "xmlns=\"http://www.w3.org/2000/svg\"").count - 1)
        for finding in report.findings { #expect(html.contains(HTMLText.escape(finding.title)), "missing \(finding.title)") }
        // No buttons (nothing to click without the app), healthy checks open to print.
        #expect(!html.contains("<button"))
        #expect(html.contains("<details class=\"healthy-findings\" open>"))
        #expect(HealthReportExport.filename(report: report) == "health-check-orders-db-20260921-1614.html")
    }

    // MARK: - Pages

    struct PageFixture {
        let server: TestServer
        let browser: TestServer.Browser
        let assetID: String
        let otherAssetID: String
        let runID: String
        let org: Organization
    }

    /// An organisation with two assets; the first has one Completed run holding `report`.
    static func pages(report: HealthReport) throws -> PageFixture {
        let server = try TestServer()
        let (owner, org) = try server.makeOrganization("Acme", owner: "owner@acme.example")
        let identity = Identity(orgID: org.id, role: .owner, user: owner, via: .apiKey(APIKey(
            id: "fixture", orgID: org.id, name: "fixture", keyHash: "", createdBy: owner.id, createdAt: server.clock.now)))
        let assets = AssetService(services: server.services)
        let asset = try assets.create(identity: identity, draft: .init(engine: "postgresql", name: "orders-db"))
        let other = try assets.create(identity: identity, draft: .init(engine: "redis", name: "cache"))
        let now = server.clock.now
        let run = HealthRunRecord(id: IDGenerator.make(), orgID: org.id, assetID: asset.id, trigger: .manual, requestedBy: owner.id,
                                  createdAt: now, deadlineAt: now.addingTimeInterval(600))
        let store = server.services.healthRuns
        try store.create(run)
        try store.transition(orgID: org.id, id: run.id, from: [.pending], to: .generatingReport, now: now, startedAt: now)
        var stored = report
        stored.header.runID = run.id
        stored.header.assetID = asset.id
        #expect(try store.complete(orgID: org.id, id: run.id, report: stored, now: now.addingTimeInterval(42)))
        return PageFixture(server: server, browser: try server.browser(for: owner, org: org), assetID: asset.id, otherAssetID: other.id,
                           runID: run.id, org: org)
    }

    @Test("Run page shows the report with export and JSON links; the export downloads as an attachment")
    func runPageAndExport() async throws {
        let fixture = try Self.pages(report: Self.report(overall: 85))
        let headers: HTTPFields = [.cookie: fixture.browser.cookie]
        try await fixture.server.test { client in
            let page = try await client.execute(uri: "/assets/\(fixture.assetID)/health/\(fixture.runID)", method: .get, headers: headers)
            #expect(page.status == .ok)
            #expect(page.text.contains("Health Check info"))
            #expect(page.text.contains("fsync is off"))
            #expect(page.text.contains("/assets/\(fixture.assetID)/health/\(fixture.runID)/export.html"))
            #expect(page.text.contains("/api/v1/health-checks/\(fixture.runID)"))
            #expect(!page.text.contains("http-equiv=\"refresh\""), "a completed run must not reload")

            let export = try await client.execute(uri: "/assets/\(fixture.assetID)/health/\(fixture.runID)/export.html", method: .get, headers: headers)
            #expect(export.status == .ok)
            let disposition = try #require(export.headers[.contentDisposition])
            #expect(disposition.hasPrefix("attachment; filename=\"health-check-orders-db-"))
            #expect(export.text.contains("<style>"))
            #expect(!export.text.contains("/static/"))

            // The run is only reachable under its own asset, and not without a session.
            let elsewhere = try await client.execute(uri: "/assets/\(fixture.otherAssetID)/health/\(fixture.runID)", method: .get, headers: headers)
            #expect(elsewhere.status == .notFound)
            let anonymous = try await client.execute(uri: "/assets/\(fixture.assetID)/health/\(fixture.runID)/export.html", method: .get, headers: [:])
            #expect(anonymous.status == .seeOther)
            #expect(anonymous.headers[.location] == "/login")
        }
    }

    @Test("Asset list and detail show the latest score with its band, linking to the report; never checked shows a dash")
    func assetPages() async throws {
        let fixture = try Self.pages(report: Self.report(overall: 64.6))
        let headers: HTTPFields = [.cookie: fixture.browser.cookie]
        let reportURL = "/assets/\(fixture.assetID)/health/\(fixture.runID)"
        try await fixture.server.test { client in
            let list = try await client.execute(uri: "/assets", method: .get, headers: headers)
            #expect(list.status == .ok)
            #expect(list.text.contains("<a class=\"health-cell\" href=\"\(reportURL)\""))
            #expect(list.text.contains("<span class=\"score score--warn\">65</span><span class=\"health-cell__when\">checked just now</span>"))
            #expect(list.text.contains("never checked"), "the Redis asset has no check")

            let detail = try await client.execute(uri: "/assets/\(fixture.assetID)", method: .get, headers: headers)
            #expect(detail.status == .ok)
            #expect(detail.text.contains("id=\"health\""))
            #expect(detail.text.contains("action=\"/assets/\(fixture.assetID)/health-checks\""))
            #expect(detail.text.contains("<a class=\"score score--warn health-summary__score\" href=\"\(reportURL)\""))
            #expect(detail.text.contains("id=\"health-history\""))
            #expect(detail.text.contains(">Completed</span>"))
        }
    }

    @Test("A running check reloads itself and offers Cancel; cancelling ends it")
    func runningPage() async throws {
        let fixture = try Self.pages(report: Self.report())
        let now = fixture.server.clock.now
        // A second run of the other asset, still collecting.
        let run = HealthRunRecord(id: IDGenerator.make(), orgID: fixture.org.id, assetID: fixture.otherAssetID, trigger: .manual,
                                  requestedBy: nil, createdAt: now, deadlineAt: now.addingTimeInterval(600))
        try fixture.server.services.healthRuns.create(run)
        try fixture.server.services.healthRuns.transition(orgID: fixture.org.id, id: run.id, from: [.pending], to: .collecting, now: now, startedAt: now)
        let headers: HTTPFields = [.cookie: fixture.browser.cookie]
        try await fixture.server.test { client in
            let page = try await client.execute(uri: "/assets/\(fixture.otherAssetID)/health/\(run.id)", method: .get, headers: headers)
            #expect(page.status == .ok)
            #expect(page.text.contains("<meta http-equiv=\"refresh\" content=\"\(HealthPagesController.refreshSeconds)\">"))
            #expect(page.text.contains("aria-current=\"step\">Collecting</li>"))
            #expect(page.text.contains("action=\"/assets/\(fixture.otherAssetID)/health/\(run.id)/cancel\""))
            #expect(!page.text.contains("Export HTML"))

            let cancelled = try await client.form("/assets/\(fixture.otherAssetID)/health/\(run.id)/cancel", fixture.browser, [:])
            #expect(cancelled.status == .seeOther)
            #expect(try fixture.server.services.healthRuns.run(orgID: fixture.org.id, id: run.id)?.status == .cancelled)
            // Without the CSRF token the form is refused.
            let forged = try await client.form("/assets/\(fixture.assetID)/health-checks", fixture.browser, [:], includeCSRF: false)
            #expect(forged.status == .forbidden)
        }
    }

    @Test("The Health card shows the organisation's schedule and saves a new one; bad values are refused")
    func scheduleForm() async throws {
        let fixture = try Self.pages(report: Self.report())
        let headers: HTTPFields = [.cookie: fixture.browser.cookie]
        try await fixture.server.test { client in
            let page = try await client.execute(uri: "/assets/\(fixture.assetID)", method: .get, headers: headers)
            #expect(page.status == .ok)
            #expect(page.text.contains("Scheduled checks (whole organisation): <strong>Daily</strong>"))
            #expect(page.text.contains("<option value=\"24\" selected>Daily</option>"))

            let saved = try await client.form("/assets/\(fixture.assetID)/health-schedule", fixture.browser, ["interval_hours": "168"])
            #expect(saved.status == .seeOther)
            #expect(saved.headers[.location] == "/assets/\(fixture.assetID)?flash=health_schedule_saved#health")
            #expect(try fixture.server.services.healthRuns.interval(orgID: fixture.org.id) == 168)
            let after = try await client.execute(uri: "/assets/\(fixture.assetID)", method: .get, headers: headers)
            #expect(after.text.contains("<strong>Weekly</strong>"))

            for bad in ["500", "-1", "daily"] {
                let refused = try await client.form("/assets/\(fixture.assetID)/health-schedule", fixture.browser, ["interval_hours": bad])
                #expect(refused.status.code >= 400 && refused.status.code < 500, "\(bad) -> \(refused.status)")
            }
            #expect(try fixture.server.services.healthRuns.interval(orgID: fixture.org.id) == 168)
            let forged = try await client.form(
                "/assets/\(fixture.assetID)/health-schedule", fixture.browser, ["interval_hours": "0"], includeCSRF: false)
            #expect(forged.status == .forbidden)
            #expect(try fixture.server.services.healthRuns.interval(orgID: fixture.org.id) == 168)
        }
    }

    @Test("The compare page lists added, removed and modified findings, objects and settings")
    func comparePage() async throws {
        let fixture = try Self.pages(report: Self.report())
        let store = fixture.server.services.healthRuns
        // A newer run of the same asset: fsync fixed, a new problem, a new table, a changed setting.
        fixture.server.clock.advance(3600)
        let now = fixture.server.clock.now
        let run = HealthRunRecord(id: IDGenerator.make(), orgID: fixture.org.id, assetID: fixture.assetID, trigger: .schedule,
                                  requestedBy: nil, createdAt: now, deadlineAt: now.addingTimeInterval(600))
        try store.create(run)
        try store.transition(orgID: fixture.org.id, id: run.id, from: [.pending], to: .generatingReport, now: now, startedAt: now)
        var newer = Self.report(
            overall: 90,
            findings: [Self.finding("fsync_off", .configuration, .healthy, title: "fsync is off", result: "fsync = on"),
                       Self.finding("idle_tx", .performance, .attention, title: "Idle in transaction", result: "3 sessions")],
            scope: ReportScope(objects: [ScopeObject(kind: "table", name: "shop.public.orders", fingerprint: "a1"),
                                         ScopeObject(kind: "table", name: "shop.public.\(Self.hostile)", fingerprint: "b2")],
                               totalObjects: 2, counts: [ScopeCount(kind: "table", count: 2)],
                               settings: [ScopeSetting(name: "shared_buffers", value: "4GB")]))
        newer.header.runID = run.id
        newer.header.assetID = fixture.assetID
        #expect(try store.complete(orgID: fixture.org.id, id: run.id, report: newer, now: now))
        let headers: HTTPFields = [.cookie: fixture.browser.cookie]
        try await fixture.server.test { client in
            // Picked the wrong way round: the page still compares older -> newer.
            let page = try await client.execute(
                uri: "/assets/\(fixture.assetID)/health/compare?base=\(run.id)&target=\(fixture.runID)", method: .get, headers: headers)
            #expect(page.status == .ok)
            let html = page.text
            let added = try #require(html.range(of: "id=\"added-findings\""))
            let removed = try #require(html.range(of: "id=\"removed-findings\""))
            let modified = try #require(html.range(of: "id=\"modified-findings\""))
            #expect(html[added.upperBound..<removed.lowerBound].contains("Idle in transaction"))
            #expect(html[removed.upperBound..<modified.lowerBound].contains("fsync is off"))
            #expect(html.contains("shop.public.&lt;script&gt;"))
            #expect(!html.contains("shop.public.<script>"))
            #expect(html.contains("128MB"))
            #expect(html.contains("4GB"))

            let same = try await client.execute(
                uri: "/assets/\(fixture.assetID)/health/compare?base=\(run.id)&target=\(run.id)", method: .get, headers: headers)
            #expect(same.status == .unprocessableContent)

            // The asset page offers the comparison with both completed runs preselected.
            let detail = try await client.execute(uri: "/assets/\(fixture.assetID)", method: .get, headers: headers)
            #expect(detail.text.contains("name=\"base\" value=\"\(fixture.runID)\""))
            #expect(detail.text.contains("name=\"target\" value=\"\(run.id)\""))
        }
    }
}
