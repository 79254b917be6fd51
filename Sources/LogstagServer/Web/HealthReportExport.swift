import Foundation
import LogstagCore
import LogstagResources

/// The downloadable health-check report: one standalone HTML document.
///
/// Contract: self-contained: CSS inline in one `<style>` (the UI stylesheet plus the export and
/// print rules), charts inline SVG, no `<script>`, no `<link>`, no external font or image, no
/// link back to the server; prints with a page break before each tab and without buttons.
enum HealthReportExport {
    static func document(report: HealthReport) -> String {
        let h = report.header
        let title = "Health Check · \(h.instanceName) · \(SVGChart.format(h.generatedAt, "yyyy-MM-dd HH:mm 'UTC'"))"
        let css = (BundledResources.text("web/static/app.css") ?? "") + "\n" + (BundledResources.text("web/export/health_report.css") ?? "")
        var html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"color-scheme\" content=\"light\">\n"
        html += "<title>\(HTMLText.escape(title))</title>\n<style>\n\(sanitizedCSS(css))\n</style>\n</head>\n"
        html += "<body class=\"export-body\">\n<main class=\"export\">\n"
        html += "<header class=\"export__head\"><p class=\"export__brand\">Logstag · Health Check report</p>"
        html += "<h1 class=\"export__title\">\(HTMLText.escape(h.instanceName))</h1>"
        html += "<p class=\"export__sub\">\(HTMLText.escape(h.engine.displayName)) · generated \(HTMLText.escape(HealthReportHTML.time(h.generatedAt)))</p></header>\n"
        html += HealthReportHTML.render(report: report, options: .init(forExport: true))
        html += "\n<footer class=\"export__foot\">Exported from Logstag. Run \(HTMLText.escape(h.runID)), catalogue version \(h.catalogueVersion).</footer>\n"
        html += "</main>\n</body>\n</html>\n"
        return html
    }

    /// The file name offered for download: letters, digits, dashes only.
    static func filename(report: HealthReport) -> String {
        let name = HTMLText.anchor(report.header.instanceName).split(separator: "-", omittingEmptySubsequences: true).joined(separator: "-")
        return "health-check-\(name.isEmpty ? "instance" : name)-\(SVGChart.format(report.header.generatedAt, "yyyyMMdd-HHmm")).html"
    }

    /// A stylesheet cannot end the `<style>` element early, and nothing in it may fetch.
    static func sanitizedCSS(_ css: String) -> String {
        css.replacingOccurrences(of: "</", with: "<\\/").replacingOccurrences(of: "@import", with: "/* import removed */")
    }
}
