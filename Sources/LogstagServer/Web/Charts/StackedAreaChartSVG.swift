import Foundation

/// A stacked area chart (session states, wait categories) as inline SVG for the explorers.
///
/// Contract: pure; series are stacked in the given order (the first at the bottom); the time
/// axis is exactly the chart's window; a bucket where every series is missing is a gap, and so
/// is a step over 2.5 buckets between present buckets; inside a present bucket a missing series
/// counts as 0 for stacking only (its hover data still omits it); the value axis covers the
/// stacked totals; a legend appears with more than one series; no drawable sample gives the
/// "No data in this window" state. Each series is a `<g data-series>` carrying its own
/// (unstacked) samples in `data-points` for the shared hover.
enum StackedAreaChartSVG {
    /// One time of the stack: each series' value (missing as nil) and the running totals.
    ///
    /// Contract: `values` and `cumulative` follow the chart's series order.
    struct Bucket: Equatable {
        var time: Date
        var values: [Double?]
        /// `cumulative[i]` = sum of series 0...i (missing counted as 0); nil when the whole bucket is missing.
        var cumulative: [Double]?

        var total: Double? { cumulative?.last }
    }

    /// Every time any series has a sample (inside the window), with per-series values and totals.
    static func buckets(_ chart: TimeSeriesChart) -> [Bucket] {
        let series = chart.series.map { ChartAxis.prepared($0.points, start: chart.windowStart, end: chart.windowEnd) }
        let times = Array(Set(series.flatMap { $0.map(\.time) })).sorted()
        let lookups = series.map { samples in Dictionary(samples.map { ($0.time, $0.drawableValue) }, uniquingKeysWith: { _, last in last }) }
        return times.map { time in
            let values = lookups.map { $0[time] ?? nil }
            guard values.contains(where: { $0 != nil }) else { return Bucket(time: time, values: values, cumulative: nil) }
            var sum = 0.0
            let cumulative = values.map { value in
                sum += value ?? 0
                return sum
            }
            return Bucket(time: time, values: values, cumulative: cumulative)
        }
    }

    static func render(_ chart: TimeSeriesChart) -> String {
        let id = ChartAxis.elementID(chart.id)
        let start = chart.windowStart, end = chart.windowEnd
        let stack = buckets(chart)
        let totals = stack.map { ChartSample(time: $0.time, value: $0.total) }
        guard end > start, totals.contains(where: { $0.value != nil }) else {
            return ChartAxis.emptyFigure(id: id, chartID: chart.id, kind: "stacked", title: chart.title)
        }

        let colors = chart.series.enumerated().map { ChartPalette.color(for: $1.name, index: $0) }
        // The axis must hold every band edge: with negative members a running total can dip below the final one.
        let ticks = ChartAxis.valueTicks(stack.flatMap { $0.cumulative ?? [] }, unit: chart.unit)
        let plot = ChartAxis.Plot(start: start, end: end, low: ticks.first!, high: ticks.last!)
        let legendRows = chart.series.count > 1 ? ChartAxis.legendRows(chart.series.map(\.name)) : 0
        let runs = ChartAxis.runs(totals, bucket: chart.bucket)

        var html = ChartAxis.figureOpen(id: id, chartID: chart.id, kind: "stacked", title: chart.title)
        html += ChartAxis.timeSVGOpen(
            id: id, kind: "stacked", totalHeight: ChartAxis.totalHeight(legendRows: legendRows), start: start, end: end,
            bucket: chart.bucket, unit: chart.unit)
        html += ChartAxis.titleAndDescription(id: id, title: chart.title, description: chart.description ?? summary(chart, stack: stack))
        html += ChartAxis.valueAxis(ticks: ticks, unit: chart.unit, plot: plot)
        html += ChartAxis.timeAxis(plot: plot)
        for (index, series) in chart.series.enumerated() {
            let own = ChartAxis.prepared(series.points, start: start, end: end)
            html += "<g class=\"xchart__series\" data-series=\"\(HTMLText.escape(series.name))\" data-color=\"\(colors[index])\""
            html += " data-points=\"\(ChartAxis.dataPoints(own))\">"
            for run in runs {
                html += band(run.map { stack[$0] }, series: index, color: colors[index], plot: plot)
            }
            html += "</g>"
        }
        html += ChartAxis.cursor()
        if legendRows > 0 { html += ChartAxis.legend(zip(chart.series, colors).map { ($0.name, $1) }, top: ChartAxis.legendTop) }
        html += "</svg></figure>"
        return html
    }

    /// One series' band over one run of present buckets: along its top edge, back along the
    /// edge of the series below (the zero line for the first). A single bucket has no width, so
    /// it is drawn as a short vertical bar.
    static func band(_ run: [Bucket], series index: Int, color: String, plot: ChartAxis.Plot) -> String {
        let upper = run.map { (x: plot.x($0.time), y: plot.y($0.cumulative![index])) }
        let lower = run.map { (x: plot.x($0.time), y: plot.y(index == 0 ? 0 : $0.cumulative![index - 1])) }
        let f = ChartAxis.f
        if run.count == 1 {
            guard upper[0].y != lower[0].y else { return "" }
            return "<line class=\"xchart__band\" x1=\"\(f(upper[0].x))\" y1=\"\(f(lower[0].y))\" x2=\"\(f(upper[0].x))\" y2=\"\(f(upper[0].y))\""
                + " stroke=\"\(color)\" stroke-width=\"3\"/>"
        }
        let outline = upper + lower.reversed()
        let d = outline.enumerated().map { offset, point in (offset == 0 ? "M" : "L") + f(point.x) + " " + f(point.y) }
        return "<path class=\"xchart__band\" d=\"\(d.joined(separator: " ")) Z\" fill=\"\(color)\" fill-opacity=\"0.85\" stroke=\"none\"/>"
    }

    /// "Sessions, 12 May 10:00 – 13 May 10:00 UTC: total min 3, max 41, latest 12; latest Active 4, Idle 8".
    static func summary(_ chart: TimeSeriesChart, stack: [Bucket]) -> String {
        let window = ChartAxis.windowLabel(start: chart.windowStart, end: chart.windowEnd)
        let totals = stack.compactMap(\.total)
        var text = "\(chart.title), \(window): total " + TimeSeriesChartSVG.statistics(totals, unit: chart.unit)
        if chart.series.count > 1, let latest = stack.last(where: { $0.cumulative != nil }) {
            let parts = zip(chart.series, latest.values).map { series, value in
                series.name + " " + (value.map { UnitFormat.format($0, unit: chart.unit) } ?? "no data")
            }
            text += "; latest " + parts.joined(separator: ", ")
        }
        return text
    }
}
