import Foundation
import LogstagCore

// The explorers' chart model: plain values a page builds from LogstagCore results and hands to
// one of the SVG renderers (TimeSeriesChartSVG, StackedAreaChartSVG, BarChartSVG, TreemapSVG).

/// One sample of a series; `nil` is a missing sample (the agent sent nothing for that bucket).
///
/// Contract: a missing sample is drawn as a gap, never as zero; a non-finite value counts as missing.
struct ChartSample: Sendable, Equatable {
    var time: Date
    var value: Double?

    init(time: Date, value: Double?) {
        self.time = time
        self.value = value
    }

    /// The value when it can be drawn (present and finite).
    var drawableValue: Double? {
        guard let value, value.isFinite else { return nil }
        return value
    }

    /// One column of the explorers' JSON buckets (`[{time: ISO 8601, <key>: number}]`) as samples,
    /// multiplied by `scale`; entries without a readable time are skipped, a missing value is a gap.
    static func column(_ entries: [[String: Any]], key: String, scale: Double = 1) -> [ChartSample] {
        entries.compactMap { entry in
            guard let time = (entry["time"] as? String).flatMap(WireDate.parse) else { return nil }
            return ChartSample(time: time, value: (entry[key] as? Double).map { $0 * scale })
        }
    }
}

/// A named line (or stacked band) of a time-series chart.
///
/// Contract: `name` is display text (escaped by the renderers) and picks the series' colour
/// through `ChartPalette`; points may arrive unsorted, the renderers sort them by time.
struct ChartSeries: Sendable, Equatable {
    var name: String
    var points: [ChartSample]

    init(name: String, points: [ChartSample]) {
        self.name = name
        self.points = points
    }
}

/// A time-series chart over the page's time window.
///
/// Contract: the time axis is exactly [windowStart, windowEnd] (samples outside it are not
/// drawn); `bucket` is the expected step between samples, and a step over 2.5 buckets is a gap;
/// `unit` is a UnitFormat unit; `description` overrides the accessible summary, which otherwise
/// is built from the data (min, max, latest).
struct TimeSeriesChart: Sendable, Equatable {
    var id: String
    var title: String
    var unit: String
    var series: [ChartSeries]
    var windowStart: Date
    var windowEnd: Date
    var bucket: TimeInterval
    var description: String?

    init(
        id: String, title: String, unit: String, series: [ChartSeries], windowStart: Date, windowEnd: Date, bucket: TimeInterval,
        description: String? = nil
    ) {
        self.id = id
        self.title = title
        self.unit = unit
        self.series = series
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.bucket = bucket
        self.description = description
    }
}

/// One bar of a horizontal bar chart (top tables, top queries by time, ...).
///
/// Contract: `href`, when set, links the bar; only same-site paths ("/...", "?...", "#...")
/// and http(s) URLs are linked, anything else is drawn without a link.
struct BarItem: Sendable, Equatable {
    var label: String
    var value: Double
    var href: String?

    init(label: String, value: Double, href: String? = nil) {
        self.label = label
        self.value = value
        self.href = href
    }
}

/// One laid-out rectangle of a treemap, in the treemap's own coordinates (0...width, 0...height).
///
/// Contract: the layout is done before rendering (LogstagCore); `isOther` marks the cell that
/// folds the small remainder of a group (`count` items), drawn lighter and hatched.
struct TreemapCell: Sendable, Equatable {
    var label: String
    var group: String
    var value: Double
    var x: Double
    var y: Double
    var width: Double
    var height: Double
    var isOther: Bool
    var count: Int

    init(label: String, group: String, value: Double, x: Double, y: Double, width: Double, height: Double, isOther: Bool = false, count: Int = 1) {
        self.label = label
        self.group = group
        self.value = value
        self.x = x
        self.y = y
        self.width = width
        self.height = height
        self.isOther = isOther
        self.count = count
    }
}
