import Foundation

/// A time-series chart (1 to 8 lines) as inline SVG for the explorers.
///
/// Contract: pure (same chart -> same markup); the time axis is exactly the chart's window;
/// missing samples (nil, or a step over 2.5 buckets) break the line, an isolated sample is a
/// dot, and nothing is ever drawn at zero for a missing sample; the value axis starts at 0 for
/// non-negative data with 3-5 unit-labelled ticks; a legend appears with more than one series;
/// series past the eighth are not drawn (pages fold the rest into "Other"); no drawable sample
/// gives the "No data in this window" state. Each series is a `<g data-series>` carrying its
/// samples in `data-points` for the shared hover in explorer-charts.js.
enum TimeSeriesChartSVG {
    static let maxSeries = 8

    static func render(_ chart: TimeSeriesChart) -> String {
        let id = ChartAxis.elementID(chart.id)
        let start = chart.windowStart, end = chart.windowEnd
        let series = chart.series.prefix(maxSeries).enumerated().map { index, series in
            (name: series.name, color: ChartPalette.color(for: series.name, index: index),
             samples: ChartAxis.prepared(series.points, start: start, end: end))
        }
        let values = series.flatMap { $0.samples.compactMap(\.drawableValue) }
        guard end > start, !values.isEmpty else {
            return ChartAxis.emptyFigure(id: id, chartID: chart.id, kind: "timeseries", title: chart.title)
        }

        let ticks = ChartAxis.valueTicks(values, unit: chart.unit)
        let plot = ChartAxis.Plot(start: start, end: end, low: ticks.first!, high: ticks.last!)
        let legendRows = series.count > 1 ? ChartAxis.legendRows(series.map(\.name)) : 0
        let description = chart.description ?? summary(chart, series: series.map { ($0.name, $0.samples) })

        var html = ChartAxis.figureOpen(id: id, chartID: chart.id, kind: "timeseries", title: chart.title)
        html += ChartAxis.timeSVGOpen(
            id: id, kind: "timeseries", totalHeight: ChartAxis.totalHeight(legendRows: legendRows), start: start, end: end,
            bucket: chart.bucket, unit: chart.unit)
        html += ChartAxis.titleAndDescription(id: id, title: chart.title, description: description)
        html += ChartAxis.valueAxis(ticks: ticks, unit: chart.unit, plot: plot)
        html += ChartAxis.timeAxis(plot: plot)
        for entry in series {
            html += "<g class=\"xchart__series\" data-series=\"\(HTMLText.escape(entry.name))\" data-color=\"\(entry.color)\""
            html += " data-points=\"\(ChartAxis.dataPoints(entry.samples))\">"
            for run in ChartAxis.runs(entry.samples, bucket: chart.bucket) {
                html += line(run.map { entry.samples[$0] }, color: entry.color, plot: plot)
            }
            html += "</g>"
        }
        html += ChartAxis.cursor()
        if legendRows > 0 { html += ChartAxis.legend(series.map { ($0.name, $0.color) }, top: ChartAxis.legendTop) }
        html += "</svg></figure>"
        return html
    }

    /// One run of present samples: a path, or a dot when the run is a single sample (a path
    /// with one point would be invisible).
    static func line(_ samples: [ChartSample], color: String, plot: ChartAxis.Plot) -> String {
        let points = samples.map { (x: plot.x($0.time), y: plot.y($0.drawableValue!)) }
        if points.count == 1 {
            return "<circle class=\"xchart__dot\" cx=\"\(ChartAxis.f(points[0].x))\" cy=\"\(ChartAxis.f(points[0].y))\" r=\"2.5\" fill=\"\(color)\"/>"
        }
        let d = points.enumerated().map { index, point in (index == 0 ? "M" : "L") + ChartAxis.f(point.x) + " " + ChartAxis.f(point.y) }
        return "<path class=\"xchart__line\" d=\"\(d.joined(separator: " "))\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\""
            + " stroke-linejoin=\"round\" stroke-linecap=\"round\"/>"
    }

    /// "Connections, 12 May 10:00 – 13 May 10:00 UTC: min 3, max 41, latest 12"; with several
    /// series each one is named ("…: primary min 3, max 41, latest 12; replica no data").
    static func summary(_ chart: TimeSeriesChart, series: [(name: String, samples: [ChartSample])]) -> String {
        let window = ChartAxis.windowLabel(start: chart.windowStart, end: chart.windowEnd)
        let parts = series.map { entry -> String in
            let values = entry.samples.compactMap(\.drawableValue)
            let stats = statistics(values, unit: chart.unit)
            return series.count == 1 ? stats : entry.name + " " + stats
        }
        return "\(chart.title), \(window): " + parts.joined(separator: "; ")
    }

    static func statistics(_ values: [Double], unit: String) -> String {
        guard let low = values.min(), let high = values.max(), let latest = values.last else { return "no data" }
        return "min \(UnitFormat.format(low, unit: unit)), max \(UnitFormat.format(high, unit: unit)), latest \(UnitFormat.format(latest, unit: unit))"
    }
}
