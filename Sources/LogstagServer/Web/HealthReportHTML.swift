import Foundation
import LogstagCore

/// A health-check report as an HTML fragment, shared by the report page and the HTML export.
///
/// Contract: pure (report + options -> markup); every string from the report is escaped (values
/// come from monitored databases: treat them as hostile); only classes, never `style=` (the
/// UI's CSP); no URL outside the fragment except `options.linkBase` links the page asks for.
/// Structure follows reference section 5: header ("Health Check info"), System Health, findings
/// per tab (healthy ones collapsed in a `<details>`), performance trends, recommendations
/// (Critical / Optimization / Strategic, empty groups say so), coverage limitations, scope.
enum HealthReportHTML {
    struct Options: Sendable {
        /// The standalone export: no buttons, healthy checks expanded so the document prints whole.
        var forExport = false
        /// Cap on listed scope objects (the report already holds at most `ReportScope.maxObjects`).
        var objectLimit = ReportScope.maxObjects

        init(forExport: Bool = false, objectLimit: Int = ReportScope.maxObjects) {
            self.forExport = forExport
            self.objectLimit = objectLimit
        }
    }

    static func render(report: HealthReport, options: Options = Options()) -> String {
        var html = "<div class=\"report\" data-run-id=\"\(e(report.header.runID))\">"
        html += header(report)
        html += systemHealth(report)
        html += contents(report)
        let tabs = HealthTab.allCases.filter { tab in report.findings.contains { $0.tab == tab } }
        for tab in tabs { html += tabSection(tab, findings: report.findings.filter { $0.tab == tab }, options: options) }
        if tabs.isEmpty {
            html += section("findings", "Findings", "<p class=\"report-empty\">No check could be evaluated for this instance; see the coverage limitations below.</p>")
        }
        html += trends(report)
        html += recommendations(report, options: options)
        html += limitations(report)
        html += scope(report, options: options)
        html += "</div>"
        return html
    }

    // MARK: - Header

    static func header(_ report: HealthReport) -> String {
        let h = report.header
        let overall = report.score.overall
        let band = Band.of(overall)
        var html = "<section class=\"report-section report-info\" id=\"health-check-info\" aria-labelledby=\"health-check-info-title\">"
        html += "<h2 class=\"report-section__title\" id=\"health-check-info-title\">Health Check info</h2>"
        html += "<div class=\"report-info__grid\">"
        html += "<div class=\"report-verdict report-verdict--\(band)\">"
        html += "<span class=\"report-verdict__label\">Overall health score</span>"
        html += "<span class=\"report-verdict__score score score--\(band)\" data-score=\"\(overall.map { f0($0) } ?? "")\">"
        html += (overall.map { f0($0) } ?? "—") + "</span>"
        html += "<span class=\"report-verdict__result badge \(report.score.result == .healthy ? "badge--success" : "badge--danger")\">"
        html += "<span class=\"badge__dot\" aria-hidden=\"true\"></span>\(e(report.score.result.rawValue))</span>"
        if overall == nil { html += "<span class=\"report-verdict__note\">No check could be evaluated.</span>" }
        html += "<ul class=\"report-verdict__counts\">"
        html += "<li class=\"count count--critical\"><strong>\(h.criticalCount)</strong> critical</li>"
        html += "<li class=\"count count--attention\"><strong>\(h.attentionCount)</strong> attention</li>"
        html += "<li class=\"count count--limitations\"><strong>\(report.limitations.count)</strong> not evaluated</li>"
        html += "</ul></div>"
        var facts: [(String, String)] = [
            ("Instance", e(h.instanceName)),
            ("Instance ID", "<code>\(e(h.assetID))</code>"),
            ("Engine", e(h.engine.displayName)),
            ("Version", h.version.map(e) ?? placeholder("Not reported")),
            ("Platform", h.platform.map(e) ?? placeholder("Not reported")),
            ("Run status", e(h.runStatus.rawValue) + " <span class=\"muted\">(\(e(h.trigger == "schedule" ? "scheduled" : h.trigger)))</span>"),
            ("Duration", e(UnitFormat.duration(h.durationSeconds))),
            ("Started", e(time(h.startedAt))),
            ("Completed", h.finishedAt.map { e(time($0)) } ?? placeholder("Not finished")),
            ("Generated", e(time(h.generatedAt))),
            ("Data window", e(time(h.windowStart)) + " – " + e(time(h.windowEnd))),
        ]
        facts.append(("Run ID", "<code>\(e(h.runID))</code>"))
        html += "<dl class=\"report-facts\">"
        for (label, value) in facts { html += "<div class=\"report-facts__row\"><dt>\(label)</dt><dd>\(value)</dd></div>" }
        html += "</dl></div></section>"
        return html
    }

    // MARK: - System Health

    static func systemHealth(_ report: HealthReport) -> String {
        var body = ""
        if report.score.tabs.isEmpty {
            body = "<p class=\"report-empty\">No tab has an evaluated check.</p>"
        } else {
            body += "<ul class=\"tab-scores\">"
            for tab in report.score.tabs {
                let percent = tab.total > 0 ? Double(tab.healthy) / Double(tab.total) * 100 : 0
                body += "<li class=\"tab-score tab-score--\(tab.band.rawValue)\" data-tab=\"\(e(tab.tab.rawValue))\">"
                body += "<a class=\"tab-score__name\" href=\"#tab-\(HTMLText.anchor(tab.tab.rawValue))\">\(e(tab.tab.rawValue))</a>"
                body += "<span class=\"tab-score__value score score--\(Band.of(tab.score))\">\(f0(tab.score))</span>"
                body += "<span class=\"tab-score__ratio\">\(tab.healthy)/\(tab.total) healthy · \(f0(percent)) %</span>"
                body += "<svg class=\"tab-score__bar\" viewBox=\"0 0 100 6\" width=\"100\" height=\"6\" preserveAspectRatio=\"none\" aria-hidden=\"true\">"
                body += "<rect x=\"0\" y=\"0\" width=\"100\" height=\"6\" rx=\"3\" fill=\"#e3e8ef\"/>"
                body += "<rect x=\"0\" y=\"0\" width=\"\(f1(min(100, max(0, percent))))\" height=\"6\" rx=\"3\" fill=\"\(tabBandColour(tab.band))\"/></svg>"
                var details: [String] = []
                if tab.critical > 0 { details.append("\(tab.critical) critical") }
                if tab.attention > 0 { details.append("\(tab.attention) attention") }
                if tab.limitations > 0 { details.append("\(tab.limitations) not evaluated") }
                body += "<span class=\"tab-score__detail\">\(details.isEmpty ? "all checks healthy" : details.joined(separator: " · "))</span>"
                body += "</li>"
            }
            body += "</ul>"
        }
        return section("system-health", "System Health", body,
                       intro: "Score per tab: healthy share minus 30 per critical and 10 per attention finding. Only tabs with checks count.")
    }

    static func tabBandColour(_ band: TabBand) -> String {
        switch band {
        case .success: "#16a34a"
        case .warn: "#e49a00"
        case .critical: "#e5484d"
        }
    }

    /// In-page links to the parts of a long report.
    static func contents(_ report: HealthReport) -> String {
        var links: [(String, String)] = HealthTab.allCases.filter { tab in report.findings.contains { $0.tab == tab } }
            .map { ("tab-" + HTMLText.anchor($0.rawValue), $0.rawValue) }
        links += [("performance-trends", "Performance trends"), ("recommendations", "Recommendations"),
                  ("coverage-limitations", "Coverage limitations"), ("scope", "Scope")]
        return "<nav class=\"report-toc\" aria-label=\"Report sections\"><ul>"
            + links.map { "<li><a href=\"#\($0.0)\">\(e($0.1))</a></li>" }.joined() + "</ul></nav>"
    }

    // MARK: - Findings

    static func tabSection(_ tab: HealthTab, findings: [HealthFinding], options: Options) -> String {
        let problems = findings.filter { $0.status != .healthy }.sorted { $0.status > $1.status }
        let healthy = findings.filter { $0.status == .healthy }
        var body = ""
        if problems.isEmpty {
            body += "<p class=\"report-empty\">No finding needs attention in \(e(tab.rawValue)).</p>"
        }
        for finding in problems { body += self.finding(finding, options: options) }
        if !healthy.isEmpty {
            body += "<details class=\"healthy-findings\"\(options.forExport ? " open" : "")>"
            body += "<summary class=\"healthy-findings__summary\">\(healthy.count) healthy check\(healthy.count == 1 ? "" : "s")</summary>"
            body += "<ul class=\"healthy-findings__list\">"
            for finding in healthy {
                body += "<li class=\"healthy-finding\" id=\"finding-\(HTMLText.anchor(finding.ruleID))\">"
                body += "<span class=\"healthy-finding__title\">\(e(finding.title))</span>"
                body += "<span class=\"healthy-finding__result\">\(e(finding.result))</span>"
                if !finding.threshold.isEmpty { body += "<span class=\"healthy-finding__threshold\">\(e(finding.threshold))</span>" }
                if let delta = finding.delta, delta.change != .unchanged { body += deltaChip(delta) }
                body += "</li>"
            }
            body += "</ul></details>"
        }
        let counts = "\(problems.filter { $0.status == .critical }.count) critical · \(problems.filter { $0.status == .attention }.count) attention · \(healthy.count) healthy"
        return "<section class=\"report-section report-tab\" id=\"tab-\(HTMLText.anchor(tab.rawValue))\" aria-labelledby=\"tab-\(HTMLText.anchor(tab.rawValue))-title\">"
            + "<div class=\"report-section__head\"><h2 class=\"report-section__title\" id=\"tab-\(HTMLText.anchor(tab.rawValue))-title\">\(e(tab.rawValue))</h2>"
            + "<span class=\"report-section__meta\">\(counts)</span></div>" + body + "</section>"
    }

    static func finding(_ finding: HealthFinding, options: Options) -> String {
        let anchor = "finding-" + HTMLText.anchor(finding.ruleID)
        var html = "<article class=\"finding finding--\(finding.status.rawValue.lowercased())\" id=\"\(anchor)\" data-rule=\"\(e(finding.ruleID))\">"
        html += "<header class=\"finding__head\"><h3 class=\"finding__title\">\(e(finding.title))</h3>"
        html += statusBadge(finding.status)
        if let delta = finding.delta { html += deltaChip(delta) }
        html += "</header>"
        html += "<p class=\"finding__result\">\(e(finding.result))</p>"
        html += "<dl class=\"finding__facts\">"
        html += fact("Evidence", e(finding.evidence))
        html += fact("Why it matters", e(finding.insight))
        html += fact("Threshold", finding.threshold.isEmpty ? placeholder("None") : e(finding.threshold))
        html += fact("Change", deltaText(finding.delta))
        html += fact("Scope", finding.scope.isEmpty ? placeholder("Instance") : e(finding.scope))
        html += fact("Effort", finding.effortDays.map { e(effort($0)) } ?? placeholder("Not estimated"))
        html += "</dl>"
        if !finding.table.columns.isEmpty, !finding.table.rows.isEmpty { html += resultTable(finding.table, label: finding.title) }
        if !finding.actions.isEmpty {
            html += "<div class=\"finding__actions\"><h4 class=\"finding__sub\">Actions</h4>"
            html += actions(finding.actions, idPrefix: anchor, options: options)
            html += "</div>"
        }
        html += "</article>"
        return html
    }

    static func statusBadge(_ status: FindingStatus) -> String {
        let kind = switch status {
        case .healthy: "badge--success"
        case .attention: "badge--issues"
        case .critical: "badge--danger"
        }
        return "<span class=\"badge \(kind) finding__status\"><span class=\"badge__dot\" aria-hidden=\"true\"></span>\(status.rawValue)</span>"
    }

    static func deltaChip(_ delta: FindingDelta) -> String {
        let label = switch delta.change {
        case .new: "New"
        case .worse: "Worse"
        case .better: "Better"
        case .unchanged: "Unchanged"
        }
        return "<span class=\"delta delta--\(delta.change.rawValue)\" title=\"Compared with the previous health check\">\(label)</span>"
    }

    static func deltaText(_ delta: FindingDelta?) -> String {
        guard let delta else { return placeholder("No previous health check to compare with") }
        var text: String
        switch delta.change {
        case .new: text = delta.previousStatus == nil ? "New since the previous check" : "New since the previous check (was \(delta.previousStatus!.rawValue))"
        case .worse: text = "Worse than the previous check" + (delta.previousStatus.map { " (was \($0.rawValue))" } ?? "")
        case .better: text = "Better than the previous check" + (delta.previousStatus.map { " (was \($0.rawValue))" } ?? "")
        case .unchanged: text = "Unchanged since the previous check"
        }
        if let value = delta.previousValue, value != .null { text += "; previous value " + plain(value) }
        if delta.objectsAdded > 0 || delta.objectsRemoved > 0 { text += "; objects +\(delta.objectsAdded) / −\(delta.objectsRemoved)" }
        return e(text)
    }

    static func resultTable(_ table: ResultTable, label: String) -> String {
        var html = "<div class=\"table-wrap finding__table\"><table class=\"table table--compact\"><caption class=\"visually-hidden\">Rows behind: \(e(label))</caption><thead><tr>"
        for (index, column) in table.columns.enumerated() {
            // Right-align the header over a numeric column, like its cells.
            let numeric = table.rows.first.map { index < $0.count && $0[index].doubleValue != nil } ?? false
            html += "<th scope=\"col\"\(numeric ? " class=\"num\"" : "")>\(e(column))</th>"
        }
        html += "</tr></thead><tbody>"
        for row in table.rows {
            html += "<tr>"
            for index in table.columns.indices {
                let value = index < row.count ? row[index] : .null
                let numeric = value.doubleValue != nil
                html += "<td\(numeric ? " class=\"num\"" : "")>\(value == .null ? "<span class=\"placeholder\">null</span>" : e(plain(value)))</td>"
            }
            html += "</tr>"
        }
        html += "</tbody></table></div>"
        if table.totalRows > table.rows.count {
            html += "<p class=\"finding__more\">Showing \(table.rows.count) of \(UnitFormat.grouped(Double(table.totalRows))) rows.</p>"
        }
        return html
    }

    /// Actions as code blocks people can copy (the copy button needs app.js; the export has none).
    static func actions(_ actions: [String], idPrefix: String, options: Options) -> String {
        var html = "<ol class=\"actions\">"
        for (index, action) in actions.enumerated() {
            let id = "\(idPrefix)-action-\(index + 1)"
            html += "<li class=\"code-block code-block--small action\"><pre id=\"\(id)\"><code>\(e(action))</code></pre>"
            if !options.forExport {
                html += "<button type=\"button\" class=\"btn btn--sm btn--on-dark code-block__copy\" data-copy-target=\"#\(id)\" hidden>"
                html += "<span data-copy-label>Copy</span></button>"
            }
            html += "</li>"
        }
        return html + "</ol>"
    }

    // MARK: - Trends, recommendations, limitations, scope

    static func trends(_ report: HealthReport) -> String {
        let body: String
        if report.charts.isEmpty {
            body = "<p class=\"report-empty\">No performance trend is defined for this engine.</p>"
        } else {
            body = "<div class=\"charts\">" + report.charts.map {
                SVGChart.render($0, windowStart: report.header.windowStart, windowEnd: report.header.windowEnd)
            }.joined() + "</div>"
        }
        return section("performance-trends", "Performance trends", body,
                       intro: "Over the report window, \(time(report.header.windowStart)) – \(time(report.header.windowEnd)). Missing samples are gaps, not zeros.")
    }

    static func recommendations(_ report: HealthReport, options: Options) -> String {
        var body = ""
        for group in HealthRecommendation.Group.allCases {
            let items = report.recommendations.filter { $0.group == group }
            let groupID = "recommendations-" + HTMLText.anchor(group.rawValue)
            body += "<div class=\"recommendation-group recommendation-group--\(HTMLText.anchor(group.rawValue))\" id=\"\(groupID)\">"
            body += "<h3 class=\"recommendation-group__title\">\(group.rawValue) <span class=\"recommendation-group__count\">\(items.count)</span></h3>"
            body += "<p class=\"recommendation-group__desc\">\(groupDescription(group))</p>"
            if items.isEmpty {
                body += "<p class=\"report-empty\">No \(group.rawValue.lowercased()) recommendations.</p>"
            } else {
                body += "<ul class=\"recommendations\">"
                for item in items {
                    body += "<li class=\"recommendation\"><div class=\"recommendation__head\">"
                    body += "<a class=\"recommendation__title\" href=\"#finding-\(HTMLText.anchor(item.ruleID))\">\(e(item.title))</a>"
                    body += statusBadge(item.status)
                    if let days = item.effortDays { body += "<span class=\"recommendation__effort\">\(e(effort(days)))</span>" }
                    body += "</div>"
                    if !item.actions.isEmpty {
                        // One block per recommendation: the whole change to copy at once.
                        body += actions([item.actions.joined(separator: "\n")], idPrefix: groupID + "-" + HTMLText.anchor(item.ruleID), options: options)
                    }
                    body += "</li>"
                }
                body += "</ul>"
            }
            body += "</div>"
        }
        return section("recommendations", "Recommendations", body, intro: "What to change next, from the findings above: critical first.")
    }

    static func groupDescription(_ group: HealthRecommendation.Group) -> String {
        switch group {
        case .critical: "Act now: these put data, availability or security at risk."
        case .optimization: "Performance, efficiency and configuration improvements."
        case .strategic: "Architecture, capacity, schema and maintenance work to plan."
        }
    }

    static func limitations(_ report: HealthReport) -> String {
        var body: String
        if report.limitations.isEmpty {
            body = "<p class=\"report-empty\">Every check could be evaluated.</p>"
        } else {
            body = "<div class=\"table-wrap\"><table class=\"table table--compact limitations\"><caption class=\"visually-hidden\">Checks that could not be evaluated</caption>"
            body += "<thead><tr><th scope=\"col\">Check</th><th scope=\"col\">Tab</th><th scope=\"col\">Reason</th><th scope=\"col\">What to do</th></tr></thead><tbody>"
            for item in report.limitations {
                body += "<tr><th scope=\"row\">\(e(item.title))</th><td>\(e(item.tab.rawValue))</td>"
                body += "<td><span class=\"reason reason--\(item.reason.rawValue)\">\(reasonLabel(item.reason))</span></td><td>\(e(item.message))</td></tr>"
            }
            body += "</tbody></table></div>"
        }
        return section("coverage-limitations", "Coverage limitations", body,
                       intro: "Checks Logstag could not evaluate. They neither pass nor fail and do not change the score.")
    }

    static func reasonLabel(_ reason: CoverageLimitation.Reason) -> String {
        switch reason {
        case .permission: "Missing permission"
        case .unsupported: "Not supported"
        case .disabled: "Collection disabled"
        case .error: "Collection error"
        case .noData: "No data"
        }
    }

    static func scope(_ report: HealthReport, options: Options) -> String {
        let scope = report.scope
        var body = ""
        if scope.counts.isEmpty && scope.objects.isEmpty {
            body += "<p class=\"report-empty\">No schema objects in scope for this instance.</p>"
        } else {
            body += "<ul class=\"scope-counts\">"
            for count in scope.counts {
                body += "<li><strong>\(UnitFormat.grouped(Double(count.count)))</strong> \(e(count.kind))</li>"
            }
            body += "</ul>"
            let shown = scope.objects.prefix(max(0, options.objectLimit))
            let total = max(scope.totalObjects, scope.objects.count)
            body += "<details class=\"scope-objects\"><summary>Objects: showing \(UnitFormat.grouped(Double(shown.count))) of \(UnitFormat.grouped(Double(total)))</summary>"
            body += "<div class=\"table-wrap\"><table class=\"table table--compact\"><caption class=\"visually-hidden\">Schema objects</caption>"
            body += "<thead><tr><th scope=\"col\">Kind</th><th scope=\"col\">Name</th></tr></thead><tbody>"
            for object in shown { body += "<tr><td>\(e(object.kind))</td><td class=\"mono\">\(e(object.name))</td></tr>" }
            body += "</tbody></table></div></details>"
            if total > shown.count {
                body += "<p class=\"finding__more\">Showing \(UnitFormat.grouped(Double(shown.count))) of \(UnitFormat.grouped(Double(total))) objects; the list is capped at \(UnitFormat.grouped(Double(ReportScope.maxObjects))).</p>"
            }
        }
        if scope.settings.isEmpty {
            body += "<p class=\"report-empty\">No settings recorded.</p>"
        } else {
            body += "<details class=\"scope-settings\"><summary>Settings (\(scope.settings.count))</summary>"
            body += "<div class=\"table-wrap\"><table class=\"table table--compact\"><caption class=\"visually-hidden\">Settings</caption>"
            body += "<thead><tr><th scope=\"col\">Name</th><th scope=\"col\">Value</th></tr></thead><tbody>"
            for setting in scope.settings { body += "<tr><td class=\"mono\">\(e(setting.name))</td><td class=\"mono\">\(e(setting.value))</td></tr>" }
            body += "</tbody></table></div></details>"
        }
        return section("scope", "Scope", body, intro: "Schema objects and instance settings at the time of the report, for comparisons between checks.")
    }

    // MARK: - Pieces

    static func section(_ id: String, _ title: String, _ body: String, intro: String? = nil) -> String {
        var html = "<section class=\"report-section\" id=\"\(id)\" aria-labelledby=\"\(id)-title\">"
        html += "<div class=\"report-section__head\"><h2 class=\"report-section__title\" id=\"\(id)-title\">\(e(title))</h2></div>"
        if let intro { html += "<p class=\"report-section__intro\">\(e(intro))</p>" }
        return html + body + "</section>"
    }

    static func fact(_ label: String, _ value: String) -> String { "<div><dt>\(label)</dt><dd>\(value)</dd></div>" }

    static func placeholder(_ text: String) -> String { "<span class=\"placeholder\">\(e(text))</span>" }

    static func effort(_ days: Double) -> String {
        "\(UnitFormat.number(days)) person-day\(days == 1 ? "" : "s")"
    }

    /// A JSON value as plain text (not yet escaped).
    static func plain(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let flag): flag ? "true" : "false"
        case .number(let number): number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : UnitFormat.number(number)
        case .string(let text): text
        case .array, .object:
            (try? String(data: WireCoding.encoder().encode(value), encoding: .utf8)) ?? ""
        }
    }

    static func e(_ text: String) -> String { HTMLText.escape(text) }
    static func f0(_ value: Double) -> String { String(Int(value.rounded())) }
    static func f1(_ value: Double) -> String { String(format: "%.1f", value) }

    static func time(_ date: Date) -> String { SVGChart.format(date, "yyyy-MM-dd HH:mm:ss 'UTC'") }

    /// Score colour bands (DESIGN.md 1): >= 80 good (green), 60-79 warn (amber), < 60 bad (red).
    enum Band {
        static func of(_ score: Double?) -> String {
            guard let score else { return "none" }
            let rounded = score.rounded()
            return rounded >= 80 ? "good" : rounded >= 60 ? "warn" : "bad"
        }
    }
}
