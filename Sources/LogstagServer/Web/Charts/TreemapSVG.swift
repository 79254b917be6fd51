import Foundation

/// A treemap of already laid-out cells (table sizes by schema, query time by database) as inline SVG.
///
/// Contract: pure; the layout comes from the caller (LogstagCore), this only draws it: cells are
/// clipped to the width x height canvas and cells without area are skipped; each group gets one
/// colour (ChartPalette, in order of first appearance) and a legend entry when there are several
/// groups; a cell is labelled only when it is at least 60 x 18; every cell has a `<title>`
/// "label — group — size"; "Other" cells are lighter and hatched; no cells give the
/// "No data in this window" state.
enum TreemapSVG {
    static let minimumLabelWidth = 60.0
    static let minimumLabelHeight = 18.0
    static let legendGap = 18.0

    static func render(id chartID: String, title: String, unit: String, width: Double, height: Double, cells: [TreemapCell]) -> String {
        let id = ChartAxis.elementID(chartID)
        let canvasWidth = width.isFinite && width > 0 ? width : ChartAxis.width
        let canvasHeight = height.isFinite && height > 0 ? height : ChartAxis.height
        let visible = cells.compactMap { clipped($0, width: canvasWidth, height: canvasHeight) }
        guard !visible.isEmpty else {
            return ChartAxis.emptyFigure(id: id, chartID: chartID, kind: "treemap", title: title, width: canvasWidth, height: canvasHeight)
        }
        let f = ChartAxis.f
        var groups: [String] = []
        for cell in visible where !groups.contains(cell.group) { groups.append(cell.group) }
        let colors = groups.enumerated().map { ChartPalette.color(for: $1, index: $0) }
        func color(_ group: String) -> String { colors[groups.firstIndex(of: group)!] }

        let legendRows = groups.count > 1 ? legendRowCount(groups, width: canvasWidth) : 0
        let totalHeight = legendRows == 0 ? canvasHeight : canvasHeight + legendGap + Double(legendRows - 1) * ChartAxis.legendRowHeight + 8

        var html = ChartAxis.figureOpen(id: id, chartID: chartID, kind: "treemap", title: title)
        html += "<svg class=\"xchart__svg xchart__svg--treemap\" viewBox=\"0 0 \(f(canvasWidth)) \(f(totalHeight))\" width=\"\(f(canvasWidth))\""
        html += " height=\"\(f(totalHeight))\" role=\"img\" aria-labelledby=\"\(id)-t\" aria-describedby=\"\(id)-d\" xmlns=\"http://www.w3.org/2000/svg\">"
        html += ChartAxis.titleAndDescription(id: id, title: title, description: summary(title: title, unit: unit, cells: visible, groups: groups.count))
        let hatchID = id + "-hatch"
        if visible.contains(where: \.isOther) {
            // White diagonal stripes over a lighter fill: "Other" reads as a remainder, not as one big object.
            html += "<defs><pattern id=\"\(hatchID)\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\" patternTransform=\"rotate(45)\">"
            html += "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#ffffff\" stroke-width=\"2\" stroke-opacity=\"0.7\"/></pattern></defs>"
        }
        for cell in visible {
            let fill = color(cell.group)
            let size = UnitFormat.format(cell.value, unit: unit)
            var tooltip = "\(cell.label) — \(cell.group) — \(size)"
            if cell.isOther { tooltip += " (\(cell.count) items)" }
            let geometry = "x=\"\(f(cell.x))\" y=\"\(f(cell.y))\" width=\"\(f(cell.width))\" height=\"\(f(cell.height))\""
            html += "<g class=\"xchart__cell\(cell.isOther ? " xchart__cell--other" : "")\"><title>\(HTMLText.escape(tooltip))</title>"
            html += "<rect \(geometry) fill=\"\(fill)\"\(cell.isOther ? " fill-opacity=\"0.45\"" : "") stroke=\"#ffffff\" stroke-width=\"1\"/>"
            if cell.isOther { html += "<rect \(geometry) fill=\"url(#\(hatchID))\" stroke=\"none\"/>" }
            if cell.width >= minimumLabelWidth, cell.height >= minimumLabelHeight {
                let textColor = cell.isOther ? "#172033" : ChartPalette.textColor(on: fill)
                let limit = max(1, Int((cell.width - 8) / (11 * 0.58)))
                html += "<text class=\"xchart__cell-label\" x=\"\(f(cell.x + 4))\" y=\"\(f(cell.y + 13))\" fill=\"\(textColor)\" font-size=\"11\">"
                html += HTMLText.escape(ChartAxis.shortened(cell.label, limit: limit)) + "</text>"
                if cell.height >= 34 {
                    html += "<text class=\"xchart__cell-size\" x=\"\(f(cell.x + 4))\" y=\"\(f(cell.y + 27))\" fill=\"\(textColor)\" font-size=\"10\">"
                    html += HTMLText.escape(ChartAxis.shortened(size, limit: limit)) + "</text>"
                }
            }
            html += "</g>"
        }
        if legendRows > 0 {
            html += ChartAxis.legend(zip(groups, colors).map { ($0, $1) }, top: canvasHeight + legendGap, left: 0, right: canvasWidth)
        }
        html += "</svg></figure>"
        return html
    }

    /// The cell inside [0, width] x [0, height], or nil when nothing of it is left to draw.
    static func clipped(_ cell: TreemapCell, width: Double, height: Double) -> TreemapCell? {
        guard [cell.x, cell.y, cell.width, cell.height].allSatisfy(\.isFinite) else { return nil }
        let left = min(max(cell.x, 0), width), top = min(max(cell.y, 0), height)
        let right = min(max(cell.x + cell.width, 0), width), bottom = min(max(cell.y + cell.height, 0), height)
        guard right > left, bottom > top else { return nil }
        var result = cell
        result.x = left
        result.y = top
        result.width = right - left
        result.height = bottom - top
        return result
    }

    static func legendRowCount(_ groups: [String], width: Double) -> Int {
        (ChartAxis.legendLayout(groups, left: 0, right: width).map(\.row).max() ?? -1) + 1
    }

    /// Sort key for "largest": non-finite sizes last (NaN would break the ordering).
    static func rank(_ cell: TreemapCell) -> Double { cell.value.isFinite ? cell.value : -.infinity }

    /// "Table sizes: 14 cells in 3 groups; largest orders 2 GiB, events 1.5 GiB, users 300 MiB".
    static func summary(title: String, unit: String, cells: [TreemapCell], groups: Int) -> String {
        let largest = cells.enumerated()
            .sorted { rank($0.element) != rank($1.element) ? rank($0.element) > rank($1.element) : $0.offset < $1.offset }
            .prefix(3)
            .map { "\($0.element.label) \(UnitFormat.format($0.element.value, unit: unit))" }
        return "\(title): \(cells.count) \(cells.count == 1 ? "cell" : "cells") in \(groups) \(groups == 1 ? "group" : "groups");"
            + " largest " + largest.joined(separator: ", ")
    }
}
