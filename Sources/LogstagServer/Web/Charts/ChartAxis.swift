import Foundation

/// Shared geometry, ticks, labels and chrome (figure, legend, empty state) of the explorer charts.
///
/// Contract: pure and locale-independent (labels are UTC, numbers via UnitFormat); coordinates
/// are printed with one decimal; every text that reaches the markup goes through HTMLText.escape;
/// colours are SVG presentation attributes, never `style=` (the UI's CSP allows no inline styles).
enum ChartAxis {
    // The canvas of the time-series charts; the legend adds rows below it.
    static let width = 640.0
    static let height = 220.0
    static let plotLeft = 70.0
    static let plotRight = 624.0
    static let plotTop = 14.0
    static let plotBottom = 190.0
    static let legendRowHeight = 16.0
    static let emptyText = "No data in this window"

    static let textColor = "#5d6879"
    static let gridColor = "#e3e8ef"
    static let axisColor = "#cbd3df"
    static let tickColor = "#98a2b3"

    // MARK: - Numbers

    /// Coordinates with one decimal: enough for a 640-unit canvas, and stable in tests.
    static func f(_ value: Double) -> String { String(format: "%.1f", value == 0 ? 0 : value) }

    /// Numbers for data attributes the script parses: integers without a fraction, otherwise
    /// Swift's shortest round-trip form (which JavaScript's parseFloat reads, exponents included).
    static func compact(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// Value-axis ticks: 3 to 5 evenly spaced "nice" values (steps of 1, 2, 2.5 or 5 times a power
    /// of ten) covering `values`; non-negative data starts at 0 so a small wobble does not look
    /// like a cliff; a flat or empty series still gets a visible range.
    /// Bytes tick on binary multiples (0, 512 KiB, 1 MiB, ... rather than 0, 500 kB as 488 KiB).
    static func valueTicks(_ values: [Double], unit: String) -> [Double] {
        guard unit == "bytes" else { return valueTicks(values) }
        let largest = values.filter(\.isFinite).map(abs).max() ?? 0
        var scale = 1.0
        while largest / scale >= 1024, scale < pow(1024, 5) { scale *= 1024 }
        return valueTicks(values.map { $0 / scale }).map { $0 * scale }
    }

    static func valueTicks(_ values: [Double]) -> [Double] {
        let finite = values.filter(\.isFinite)
        var low = min(finite.min() ?? 0, 0)
        var high = max(finite.max() ?? 0, 0)
        if low >= 0 { low = 0 }
        if high == low {
            // All values equal (only possible at 0 here, or a flat negative series ending at 0).
            if low == 0 { high = 1 } else { high = 0 }
        }
        let span = high - low
        let magnitude = pow(10, (log10(span / 4)).rounded(.down))
        var step = magnitude
        for multiplier in [1.0, 2, 2.5, 5, 10, 20] {
            step = multiplier * magnitude
            if covering(low, high, step).last - covering(low, high, step).first <= 4 { break }
        }
        let (first, last) = covering(low, high, step)
        var ticks = (first...last).map { Double($0) * step }
        if ticks.count < 3 {
            // A single step covers the data (e.g. exactly [0, 1]): halve it for a readable middle line.
            ticks = (first * 2...last * 2).map { Double($0) * step / 2 }
        }
        return ticks
    }

    /// The tick indices whose multiples of `step` cover [low, high]; the tolerance keeps float
    /// noise (1.1 / 0.1 = 11.000000000000002) from adding an empty step.
    static func covering(_ low: Double, _ high: Double, _ step: Double) -> (first: Int, last: Int) {
        (Int((low / step + 1e-9).rounded(.down)), Int((high / step - 1e-9).rounded(.up)))
    }

    // MARK: - Time

    static let candidateIntervals: [TimeInterval] = [
        5, 10, 15, 30, 60, 300, 600, 900, 1800, 3600, 2 * 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 2 * 86400, 7 * 86400, 14 * 86400, 30 * 86400,
    ]

    /// The label spacing for a window: the smallest candidate that needs at most six labels.
    static func tickInterval(span: TimeInterval) -> TimeInterval {
        candidateIntervals.first { span / $0 <= 6 } ?? candidateIntervals.last!
    }

    /// Labels at multiples of the interval (UTC) inside [start, end]; sub-day intervals show the
    /// date where it changes, day intervals show only the date.
    static func timeTicks(start: Date, end: Date) -> [(time: Date, label: String)] {
        let interval = tickInterval(span: end.timeIntervalSince(start))
        var time = (start.timeIntervalSince1970 / interval).rounded(.up) * interval
        var ticks: [(time: Date, label: String)] = []
        var lastDay = ""
        while time <= end.timeIntervalSince1970 {
            let date = Date(timeIntervalSince1970: time)
            let day = dayLabel(date)
            if interval >= 86400 {
                ticks.append((date, day))
            } else {
                let clock = clockLabel(date, seconds: interval < 60)
                ticks.append((date, lastDay.isEmpty || day == lastDay ? clock : day + " " + clock))
            }
            lastDay = day
            time += interval
        }
        return ticks
    }

    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// "12 May" (UTC).
    static func dayLabel(_ date: Date) -> String {
        let parts = utc.dateComponents([.day, .month], from: date)
        return "\(parts.day!) \(months[parts.month! - 1])"
    }

    /// "14:05" or "14:05:30" (UTC).
    static func clockLabel(_ date: Date, seconds: Bool) -> String {
        let parts = utc.dateComponents([.hour, .minute, .second], from: date)
        let clock = String(format: "%02d:%02d", parts.hour!, parts.minute!)
        return seconds ? clock + String(format: ":%02d", parts.second!) : clock
    }

    /// "12 May 10:00 – 13 May 10:00 UTC": the window, for the accessible summary.
    static func windowLabel(start: Date, end: Date) -> String {
        "\(dayLabel(start)) \(clockLabel(start, seconds: false)) – \(dayLabel(end)) \(clockLabel(end, seconds: false)) UTC"
    }

    // MARK: - Samples

    /// A series' drawable samples: inside the window, sorted by time, one per time (the last
    /// given wins), non-finite values turned into missing ones.
    static func prepared(_ points: [ChartSample], start: Date, end: Date) -> [ChartSample] {
        let inside = points.enumerated().filter { $0.element.time >= start && $0.element.time <= end }
        // Sort by time, ties by input position, so duplicates resolve the same way every time.
        let sorted = inside.sorted { $0.element.time != $1.element.time ? $0.element.time < $1.element.time : $0.offset < $1.offset }
        var result: [ChartSample] = []
        for (_, sample) in sorted {
            let clean = ChartSample(time: sample.time, value: sample.drawableValue)
            if let last = result.last, last.time == clean.time { result[result.count - 1] = clean } else { result.append(clean) }
        }
        return result
    }

    /// Runs of present samples (indices into `samples`, which are sorted): a missing sample ends
    /// a run, and so does a step over 2.5 buckets (the samples in between never arrived).
    static func runs(_ samples: [ChartSample], bucket: TimeInterval) -> [[Int]] {
        var result: [[Int]] = []
        var current: [Int] = []
        for (index, sample) in samples.enumerated() {
            guard sample.drawableValue != nil else {
                if !current.isEmpty { result.append(current) }
                current = []
                continue
            }
            if let previous = current.last, bucket > 0, sample.time.timeIntervalSince(samples[previous].time) > bucket * 2.5 {
                result.append(current)
                current = []
            }
            current.append(index)
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    // MARK: - Plot

    /// Maps window times and tick-range values into the plot rectangle.
    ///
    /// Contract: `end > start` and `high > low` (the renderers show the empty state otherwise).
    struct Plot {
        var start: Date
        var end: Date
        var low: Double
        var high: Double

        func x(_ time: Date) -> Double {
            plotLeft + time.timeIntervalSince(start) / end.timeIntervalSince(start) * (plotRight - plotLeft)
        }

        func y(_ value: Double) -> Double {
            plotBottom - (value - low) / (high - low) * (plotBottom - plotTop)
        }
    }

    // MARK: - Markup pieces

    /// The figure's id ("xchart-" + a safe form of the chart id).
    static func elementID(_ chartID: String) -> String { "xchart-" + HTMLText.anchor(chartID) }

    /// `<figure>` and its caption; the caller closes the figure.
    static func figureOpen(id: String, chartID: String, kind: String, title: String) -> String {
        "<figure class=\"xchart xchart--\(kind)\" id=\"\(id)\" data-chart=\"\(HTMLText.escape(chartID))\">"
            + "<figcaption class=\"xchart__head\"><span class=\"xchart__title\">\(HTMLText.escape(title))</span></figcaption>"
    }

    /// `<title>` and `<desc>` right after the svg's opening tag (aria-labelledby / -describedby point here).
    static func titleAndDescription(id: String, title: String, description: String) -> String {
        "<title id=\"\(id)-t\">\(HTMLText.escape(title))</title><desc id=\"\(id)-d\">\(HTMLText.escape(description))</desc>"
    }

    /// A complete empty chart: the figure's svg with the "No data in this window" text and no axes
    /// (a zero line would claim the value was zero).
    static func emptyFigure(id: String, chartID: String, kind: String, title: String, width: Double = width, height: Double = height) -> String {
        var html = figureOpen(id: id, chartID: chartID, kind: kind, title: title)
        html += "<svg class=\"xchart__svg xchart__svg--empty\" viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"\(f(width))\" height=\"\(f(height))\""
        html += " role=\"img\" aria-labelledby=\"\(id)-t\" aria-describedby=\"\(id)-d\" xmlns=\"http://www.w3.org/2000/svg\">"
        html += titleAndDescription(id: id, title: title, description: "\(title): \(emptyText)")
        html += "<text class=\"xchart__empty\" x=\"\(f(width / 2))\" y=\"\(f(height / 2 + 4))\" text-anchor=\"middle\" fill=\"\(textColor)\" font-size=\"13\">"
        html += emptyText + "</text></svg></figure>"
        return html
    }

    /// Horizontal grid lines with unit labels at each tick, and the left and bottom axis lines.
    static func valueAxis(ticks: [Double], unit: String, plot: Plot) -> String {
        var html = ""
        for value in ticks {
            let y = plot.y(value)
            html += "<line x1=\"\(f(plotLeft))\" y1=\"\(f(y))\" x2=\"\(f(plotRight))\" y2=\"\(f(y))\" stroke=\"\(gridColor)\" stroke-width=\"1\"/>"
            html += "<text class=\"xchart__ylabel\" x=\"\(f(plotLeft - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\" fill=\"\(textColor)\" font-size=\"11\">"
            html += HTMLText.escape(UnitFormat.format(value, unit: unit)) + "</text>"
        }
        html += "<line x1=\"\(f(plotLeft))\" y1=\"\(f(plotTop))\" x2=\"\(f(plotLeft))\" y2=\"\(f(plotBottom))\" stroke=\"\(axisColor)\" stroke-width=\"1\"/>"
        html += "<line x1=\"\(f(plotLeft))\" y1=\"\(f(plotBottom))\" x2=\"\(f(plotRight))\" y2=\"\(f(plotBottom))\" stroke=\"\(axisColor)\" stroke-width=\"1\"/>"
        return html
    }

    /// Tick marks and UTC labels along the bottom.
    static func timeAxis(plot: Plot) -> String {
        var html = ""
        for tick in timeTicks(start: plot.start, end: plot.end) {
            let x = f(plot.x(tick.time))
            html += "<line x1=\"\(x)\" y1=\"\(f(plotBottom))\" x2=\"\(x)\" y2=\"\(f(plotBottom + 4))\" stroke=\"\(tickColor)\" stroke-width=\"1\"/>"
            html += "<text class=\"xchart__xlabel\" x=\"\(x)\" y=\"\(f(plotBottom + 17))\" text-anchor=\"middle\" fill=\"\(textColor)\" font-size=\"11\">"
            html += HTMLText.escape(tick.label) + "</text>"
        }
        return html
    }

    /// The hover cursor the script moves (hidden until the pointer is over a chart).
    static func cursor() -> String {
        "<line class=\"xchart__cursor\" x1=\"\(f(plotLeft))\" y1=\"\(f(plotTop))\" x2=\"\(f(plotLeft))\" y2=\"\(f(plotBottom))\""
            + " stroke=\"#172033\" stroke-width=\"1\" stroke-dasharray=\"3 3\" visibility=\"hidden\"/>"
    }

    /// The opening tag of a time-based svg, with what the hover script needs.
    static func timeSVGOpen(id: String, kind: String, totalHeight: Double, start: Date, end: Date, bucket: TimeInterval, unit: String) -> String {
        "<svg class=\"xchart__svg xchart__svg--\(kind)\" viewBox=\"0 0 \(f(width)) \(f(totalHeight))\" width=\"\(f(width))\" height=\"\(f(totalHeight))\""
            + " role=\"img\" aria-labelledby=\"\(id)-t\" aria-describedby=\"\(id)-d\" xmlns=\"http://www.w3.org/2000/svg\""
            + " data-start=\"\(compact(start.timeIntervalSince1970))\" data-end=\"\(compact(end.timeIntervalSince1970))\""
            + " data-bucket=\"\(compact(bucket))\" data-unit=\"\(HTMLText.escape(unit))\""
            + " data-x0=\"\(f(plotLeft))\" data-x1=\"\(f(plotRight))\">"
    }

    /// `data-points="t:v,t:v"` (unix seconds : value) for the hover script; missing samples are left out.
    static func dataPoints(_ samples: [ChartSample]) -> String {
        samples.compactMap { sample in sample.drawableValue.map { compact(sample.time.timeIntervalSince1970) + ":" + compact($0) } }
            .joined(separator: ",")
    }

    // MARK: - Legend

    /// Legend names longer than this are cut (the full name stays in the summary and tooltip).
    static let legendNameLimit = 32

    /// Estimated width of 11px sans-serif text: no font metrics on the server, so an average
    /// glyph width; generous enough that neighbours do not collide.
    static func textWidth(_ text: String, fontSize: Double = 11) -> Double { Double(text.count) * fontSize * 0.58 }

    static func shortened(_ text: String, limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(max(1, limit - 1))) + "…"
    }

    /// Legend items laid out left to right, wrapping at the plot's right edge; returns the
    /// position of each item (row, x).
    static func legendLayout(_ names: [String], left: Double = plotLeft, right: Double = plotRight) -> [(row: Int, x: Double)] {
        var row = 0
        var x = left
        var result: [(row: Int, x: Double)] = []
        for name in names {
            let itemWidth = 14 + textWidth(shortened(name, limit: legendNameLimit)) + 16
            if x > left, x + itemWidth > right {
                row += 1
                x = left
            }
            result.append((row, x))
            x += itemWidth
        }
        return result
    }

    static func legendRows(_ names: [String]) -> Int { (legendLayout(names).map(\.row).max() ?? -1) + 1 }

    /// Swatch + name per series, in rows starting at `top` (the first row's text baseline).
    static func legend(_ entries: [(name: String, color: String)], top: Double, left: Double = plotLeft, right: Double = plotRight) -> String {
        let layout = legendLayout(entries.map(\.name), left: left, right: right)
        var html = "<g class=\"xchart__legend\">"
        for (entry, place) in zip(entries, layout) {
            let baseline = top + Double(place.row) * legendRowHeight
            html += "<g class=\"xchart__legend-item\"><rect x=\"\(f(place.x))\" y=\"\(f(baseline - 9))\" width=\"10\" height=\"10\" rx=\"2\" fill=\"\(entry.color)\"/>"
            html += "<text x=\"\(f(place.x + 14))\" y=\"\(f(baseline))\" fill=\"#3b4658\" font-size=\"11\">"
            html += HTMLText.escape(shortened(entry.name, limit: legendNameLimit)) + "</text></g>"
        }
        return html + "</g>"
    }

    /// Total svg height for a time chart with `legendRows` legend rows under the time labels.
    static func totalHeight(legendRows: Int) -> Double {
        legendRows == 0 ? height : plotBottom + 38 + Double(legendRows - 1) * legendRowHeight + 8
    }

    /// The first legend row's baseline in a time chart.
    static let legendTop = plotBottom + 38
}
