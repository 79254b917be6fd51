import Foundation

/// One dimension row under the health ring.
struct HealthRingDimension: Sendable, Equatable {
    var name: String
    var weight: Double
    /// nil when the latest health check evaluated no check of this dimension.
    var score: Double?
}

/// The Database Explorer's health ring: a donut of the 0-100 score in its band colour, with the
/// five dimension rows (reference 2.3).
///
/// Contract: pure; well-formed XML; bands 80-100 Healthy (green), 60-79 Warning (amber), 0-59
/// Critical (red); a nil score is the "pending" state (grey track, "Pending", no arc); scores are
/// clamped to 0-100 and shown rounded; the svg is `role="img"` with a title and a description
/// that reads the score, band and every dimension; dimension rows are `<meter>` elements (no
/// inline styles: the CSP forbids them).
enum HealthRingSVG {
    static let size = 160.0
    static let radius = 62.0
    static let strokeWidth = 14.0
    static var circumference: Double { 2 * Double.pi * radius }

    static let colors: [String: String] = ["healthy": "#009E73", "warning": "#E69F00", "critical": "#D55E00", "pending": "#A3A3A3"]

    static func render(id ringID: String, score: Double?, dimensions: [HealthRingDimension]) -> String {
        let id = "ring-" + HTMLText.anchor(ringID)
        let clamped = score.map { min(max($0, 0), 100) }
        let band = clamped.map { HealthBand(score: $0).rawValue } ?? "pending"
        let bandLabel = clamped.map { _ in HealthBand(score: clamped!).label } ?? "Pending"
        let color = colors[band]!
        let center = ChartAxis.f(size / 2)
        let scoreText = clamped.map { String(Int($0.rounded())) } ?? "—"
        let rows = dimensions.map { dimension in
            "\(dimension.name) \(dimension.score.map { String(Int(min(max($0, 0), 100).rounded())) } ?? "not evaluated")"
        }
        let summary = clamped == nil
            ? "Health score pending: no completed health check yet."
            : "Health score \(scoreText) of 100: \(bandLabel)." + (rows.isEmpty ? "" : " " + rows.joined(separator: ", ") + ".")

        var html = "<figure class=\"health-ring health-ring--\(band)\" id=\"\(id)\">"
        html += "<svg class=\"health-ring__svg\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(size)) \(Int(size))\""
        html += " width=\"\(Int(size))\" height=\"\(Int(size))\" role=\"img\" aria-labelledby=\"\(id)-title \(id)-desc\">"
        html += "<title id=\"\(id)-title\">Health score</title><desc id=\"\(id)-desc\">\(HTMLText.escape(summary))</desc>"
        html += "<circle class=\"health-ring__track\" cx=\"\(center)\" cy=\"\(center)\" r=\"\(ChartAxis.f(radius))\" fill=\"none\""
        html += " stroke=\"#E5E7EB\" stroke-width=\"\(ChartAxis.f(strokeWidth))\"/>"
        if let clamped, clamped > 0 {
            let filled = circumference * clamped / 100
            html += "<circle class=\"health-ring__arc\" cx=\"\(center)\" cy=\"\(center)\" r=\"\(ChartAxis.f(radius))\" fill=\"none\""
            html += " stroke=\"\(color)\" stroke-width=\"\(ChartAxis.f(strokeWidth))\" stroke-linecap=\"butt\""
            html += " stroke-dasharray=\"\(ChartAxis.f(filled)) \(ChartAxis.f(circumference))\" transform=\"rotate(-90 \(center) \(center))\""
            html += " data-score=\"\(ChartAxis.f(clamped))\"/>"
        }
        html += "<text class=\"health-ring__score\" x=\"\(center)\" y=\"\(center)\" text-anchor=\"middle\" font-size=\"34\" font-weight=\"700\""
        html += " fill=\"#111827\">\(scoreText)</text>"
        html += "<text class=\"health-ring__band\" x=\"\(center)\" y=\"\(ChartAxis.f(size / 2 + 24))\" text-anchor=\"middle\" font-size=\"13\""
        html += " fill=\"\(color)\">\(bandLabel)</text>"
        html += "</svg>"
        if !dimensions.isEmpty {
            html += "<ul class=\"health-ring__dimensions\">"
            for dimension in dimensions {
                let value = dimension.score.map { min(max($0, 0), 100) }
                let dimensionBand = value.map { HealthBand(score: $0).rawValue } ?? "pending"
                html += "<li class=\"health-ring__dimension health-ring__dimension--\(dimensionBand)\">"
                html += "<span class=\"health-ring__name\">\(HTMLText.escape(dimension.name))</span>"
                html += "<span class=\"health-ring__weight\">weight \(Int(dimension.weight.rounded()))</span>"
                if let value {
                    let text = String(Int(value.rounded()))
                    html += "<meter class=\"health-ring__meter\" min=\"0\" max=\"100\" low=\"60\" high=\"80\" optimum=\"100\" value=\"\(ChartAxis.f(value))\""
                    html += " aria-label=\"\(HTMLText.escape(dimension.name)): \(text) of 100\">\(text)</meter>"
                    html += "<span class=\"health-ring__value\">\(text)</span>"
                } else {
                    html += "<span class=\"health-ring__value health-ring__value--none\">not evaluated</span>"
                }
                html += "</li>"
            }
            html += "</ul>"
        }
        html += "</figure>"
        return html
    }
}
