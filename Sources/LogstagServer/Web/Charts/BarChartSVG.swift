import Foundation

/// A horizontal bar chart (labels left, values right) as inline SVG for the explorers' top-N lists.
///
/// Contract: pure; bars keep the given order (the caller sorts) and at most `maxBars` are drawn;
/// bar lengths are proportional to the largest value (negative or non-finite values draw no
/// bar); values are labelled via UnitFormat; a bar with a safe `href` (same-site path or http(s))
/// is wrapped in an SVG `<a>`, and the svg is then a `group` (links inside an `img` would be
/// hidden from assistive technology); no items give the "No data in this window" state.
enum BarChartSVG {
    static let maxBars = 20
    static let width = 640.0
    static let rowHeight = 24.0
    static let topPadding = 6.0
    static let labelLeft = 0.0
    static let barLeft = 188.0
    static let barRight = 560.0
    static let valueRight = 636.0
    /// Labels longer than this are cut (the full label stays in the bar's `<title>`): 180 units at 11px.
    static let labelLimit = 28
    static let barColor = "#3558d8"

    static func render(id chartID: String, title: String, unit: String, items: [BarItem]) -> String {
        let id = ChartAxis.elementID(chartID)
        let bars = Array(items.prefix(maxBars))
        guard !bars.isEmpty else {
            return ChartAxis.emptyFigure(id: id, chartID: chartID, kind: "bar", title: title, height: 80)
        }
        let f = ChartAxis.f
        let largest = bars.map { $0.value.isFinite ? $0.value : 0 }.max() ?? 0
        let height = topPadding * 2 + Double(bars.count) * rowHeight
        let hasLinks = bars.contains { safeHref($0.href) != nil }
        let description = "\(title): " + bars.map { "\($0.label) \(UnitFormat.format($0.value, unit: unit))" }.joined(separator: ", ")

        var html = ChartAxis.figureOpen(id: id, chartID: chartID, kind: "bar", title: title)
        html += "<svg class=\"xchart__svg xchart__svg--bar\" viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"\(f(width))\" height=\"\(f(height))\""
        html += " role=\"\(hasLinks ? "group" : "img")\" aria-labelledby=\"\(id)-t\" aria-describedby=\"\(id)-d\" xmlns=\"http://www.w3.org/2000/svg\">"
        html += ChartAxis.titleAndDescription(id: id, title: title, description: description)
        for (index, bar) in bars.enumerated() {
            let top = topPadding + Double(index) * rowHeight
            let value = UnitFormat.format(bar.value, unit: unit)
            let length = largest > 0 && bar.value.isFinite ? max(0, bar.value) / largest * (barRight - barLeft) : 0
            var row = "<g class=\"xchart__bar\"><title>\(HTMLText.escape(bar.label + ": " + value))</title>"
            row += "<text class=\"xchart__bar-label\" x=\"\(f(labelLeft))\" y=\"\(f(top + 16))\" fill=\"#3b4658\" font-size=\"11\">"
            row += HTMLText.escape(ChartAxis.shortened(bar.label, limit: labelLimit)) + "</text>"
            row += "<rect x=\"\(f(barLeft))\" y=\"\(f(top + 4))\" width=\"\(f(length))\" height=\"16\" rx=\"2\" fill=\"\(barColor)\"/>"
            row += "<text class=\"xchart__bar-value\" x=\"\(f(valueRight))\" y=\"\(f(top + 16))\" text-anchor=\"end\" fill=\"\(ChartAxis.textColor)\" font-size=\"11\">"
            row += HTMLText.escape(value) + "</text></g>"
            if let href = safeHref(bar.href) {
                row = "<a class=\"xchart__link\" href=\"\(HTMLText.escape(href))\" aria-label=\"\(HTMLText.escape(bar.label + ": " + value))\">" + row + "</a>"
            }
            html += row
        }
        html += "</svg></figure>"
        return html
    }

    /// The link target when it is harmless: a same-site path, query or fragment, or an http(s) URL.
    /// (The CSP already blocks `javascript:` URLs; this keeps them out of the markup altogether.)
    static func safeHref(_ href: String?) -> String? {
        guard let href, !href.isEmpty else { return nil }
        let lower = href.lowercased()
        if href.hasPrefix("/") || href.hasPrefix("?") || href.hasPrefix("#") || lower.hasPrefix("https://") || lower.hasPrefix("http://") {
            return href
        }
        return nil
    }
}
