import Foundation
import LogstagCore

/// A report trend as an inline SVG line chart: axes, min/max labels, time labels, no script.
///
/// Contract: pure (same chart, same window -> same markup); every text is escaped; colours are
/// SVG presentation attributes, never `style=` (the UI's CSP allows no inline styles); fewer
/// than two points draw the empty state "No data in this window"; a hole in the samples (a step
/// over three times the usual one) is drawn as a gap, never bridged and never as zero. The time
/// axis runs from the first sample to the window end (or the last sample); labels are UTC,
/// spaced by `tickInterval(span:)`: longer spans get wider intervals.
enum SVGChart {
    static let width = 640.0
    static let height = 220.0
    static let plotLeft = 70.0
    static let plotRight = 624.0
    static let plotTop = 14.0
    static let plotBottom = 190.0
    static let emptyText = "No data in this window"

    static func render(_ chart: ReportChart, windowStart: Date, windowEnd: Date) -> String {
        let points = chart.points.filter { $0.value.isFinite }.sorted { $0.time < $1.time }
        let id = "chart-" + HTMLText.anchor(chart.id)
        let title = HTMLText.escape(chart.title)
        var html = "<figure class=\"chart\" id=\"\(id)\" data-chart=\"\(HTMLText.escape(chart.id))\">"
        html += "<figcaption class=\"chart__head\"><span class=\"chart__title\">\(title)</span>"
        if points.count >= 2 {
            let values = points.map(\.value)
            var stats = "min \(UnitFormat.format(values.min()!, unit: chart.unit)) · max \(UnitFormat.format(values.max()!, unit: chart.unit))"
                + " · latest \(UnitFormat.format(values.last!, unit: chart.unit))"
            if points.first!.time.timeIntervalSince(windowStart) > 60 { stats += " · since \(format(points.first!.time, "d MMM HH:mm")) UTC" }
            html += "<span class=\"chart__stats\">\(HTMLText.escape(stats))</span>"
        }
        html += "</figcaption>"
        html += "<svg class=\"chart__svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\""
        html += " role=\"img\" aria-labelledby=\"\(id)-t\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"\(id)-t\">\(title)</title>"
        html += frame()
        guard points.count >= 2 else {
            html += "<text class=\"chart__empty\" x=\"\(f((plotLeft + plotRight) / 2))\" y=\"\(f((plotTop + plotBottom) / 2 + 4))\""
            html += " text-anchor=\"middle\" fill=\"#5d6879\" font-size=\"13\">\(emptyText)</text></svg></figure>"
            return html
        }
        // The axis begins at the first sample: before it monitoring had not started (or the
        // loader found nothing), and a new instance's few minutes are not squeezed into one edge.
        let start = points.first!.time
        var end = max(windowEnd, points.last!.time)
        if end <= start { end = start.addingTimeInterval(60) }
        let (low, high) = valueRange(points.map(\.value))
        func x(_ time: Date) -> Double { plotLeft + (time.timeIntervalSince(start) / end.timeIntervalSince(start)) * (plotRight - plotLeft) }
        func y(_ value: Double) -> Double { plotBottom - (value - low) / (high - low) * (plotBottom - plotTop) }

        // Value axis: the range's ends and its middle, labelled in the chart's unit.
        for value in [low, (low + high) / 2, high] {
            let lineY = f(y(value))
            html += "<line x1=\"\(f(plotLeft))\" y1=\"\(lineY)\" x2=\"\(f(plotRight))\" y2=\"\(lineY)\" stroke=\"#e3e8ef\" stroke-width=\"1\"/>"
            html += "<text class=\"chart__ylabel\" x=\"\(f(plotLeft - 6))\" y=\"\(f(y(value) + 4))\" text-anchor=\"end\" fill=\"#5d6879\" font-size=\"11\">"
            html += HTMLText.escape(UnitFormat.format(value, unit: chart.unit)) + "</text>"
        }
        // Time axis.
        for (time, label) in timeTicks(start: start, end: end) {
            let tickX = f(x(time))
            html += "<line x1=\"\(tickX)\" y1=\"\(f(plotBottom))\" x2=\"\(tickX)\" y2=\"\(f(plotBottom + 4))\" stroke=\"#98a2b3\" stroke-width=\"1\"/>"
            html += "<text class=\"chart__xlabel\" x=\"\(tickX)\" y=\"\(f(plotBottom + 17))\" text-anchor=\"middle\" fill=\"#5d6879\" font-size=\"11\">"
            html += HTMLText.escape(label) + "</text>"
        }
        // The line, one segment per run of samples without a hole.
        for segment in segments(points) {
            if segment.count == 1 {
                let point = segment[0]
                html += "<circle cx=\"\(f(x(point.time)))\" cy=\"\(f(y(point.value)))\" r=\"2.5\" fill=\"#3558d8\"/>"
                continue
            }
            let path = segment.enumerated().map { index, point in (index == 0 ? "M" : "L") + f(x(point.time)) + " " + f(y(point.value)) }
            html += "<path class=\"chart__line\" d=\"\(path.joined(separator: " "))\" fill=\"none\" stroke=\"#3558d8\" stroke-width=\"2\""
            html += " stroke-linejoin=\"round\" stroke-linecap=\"round\"/>"
        }
        let last = points.last!
        html += "<circle cx=\"\(f(x(last.time)))\" cy=\"\(f(y(last.value)))\" r=\"3.5\" fill=\"#3558d8\" stroke=\"#ffffff\" stroke-width=\"1.5\"/>"
        html += "</svg></figure>"
        return html
    }

    /// The plot's frame: left and bottom axis lines.
    static func frame() -> String {
        "<line x1=\"\(f(plotLeft))\" y1=\"\(f(plotTop))\" x2=\"\(f(plotLeft))\" y2=\"\(f(plotBottom))\" stroke=\"#cbd3df\" stroke-width=\"1\"/>"
            + "<line x1=\"\(f(plotLeft))\" y1=\"\(f(plotBottom))\" x2=\"\(f(plotRight))\" y2=\"\(f(plotBottom))\" stroke=\"#cbd3df\" stroke-width=\"1\"/>"
    }

    /// Non-negative series start at zero (so a small wobble does not look like a cliff);
    /// a flat series gets a visible band around its value.
    static func valueRange(_ values: [Double]) -> (Double, Double) {
        var low = values.min()!
        var high = values.max()!
        if low >= 0 { low = 0 }
        if high == low { high = low == 0 ? 1 : low + abs(low) * 0.1 }
        return (low, high)
    }

    /// Runs of consecutive samples; a step over three times the median step starts a new run.
    static func segments(_ points: [ChartPoint]) -> [[ChartPoint]] {
        guard points.count > 2 else { return [points] }
        let steps = zip(points.dropFirst(), points).map { $0.time.timeIntervalSince($1.time) }.sorted()
        let median = steps[steps.count / 2]
        guard median > 0 else { return [points] }
        var result: [[ChartPoint]] = [[points[0]]]
        for (previous, point) in zip(points, points.dropFirst()) {
            if point.time.timeIntervalSince(previous.time) > median * 3 { result.append([point]) } else { result[result.count - 1].append(point) }
        }
        return result
    }

    static let candidateIntervals: [TimeInterval] = [
        5, 10, 15, 30, 60, 300, 600, 900, 1800, 3600, 2 * 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 2 * 86400, 7 * 86400, 14 * 86400, 30 * 86400,
    ]

    /// The label spacing for a window: the smallest candidate that needs at most six labels.
    static func tickInterval(span: TimeInterval) -> TimeInterval {
        candidateIntervals.first { span / $0 <= 6 } ?? candidateIntervals.last!
    }

    /// Labels at multiples of the interval (UTC); sub-day intervals show the date where it changes.
    static func timeTicks(start: Date, end: Date) -> [(Date, String)] {
        let interval = tickInterval(span: end.timeIntervalSince(start))
        var time = (start.timeIntervalSince1970 / interval).rounded(.up) * interval
        var ticks: [(Date, String)] = []
        var lastDay = ""
        while time <= end.timeIntervalSince1970 {
            let date = Date(timeIntervalSince1970: time)
            let day = format(date, "d MMM")
            if interval >= 86400 {
                ticks.append((date, day))
            } else {
                let clock = format(date, interval < 60 ? "HH:mm:ss" : "HH:mm")
                ticks.append((date, lastDay.isEmpty || day == lastDay ? clock : day + " " + clock))
            }
            lastDay = day
            time += interval
        }
        return ticks
    }

    static func format(_ date: Date, _ pattern: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = pattern
        return formatter.string(from: date)
    }

    /// Coordinates with one decimal: enough for a 640-unit canvas, and stable in tests.
    static func f(_ value: Double) -> String { String(format: "%.1f", value) }
}
