import Foundation
import LogstagCore
import LogstagStorage

/// Turns what the server stored about an asset (snapshots, series points) into the inputs of a
/// health report: the `HealthSnapshot` the rules read and the trend charts.
///
/// Contract: the latest snapshot of each signal is its `rows`; its baseline is the oldest ok
/// snapshot of the same signal inside the window, and only when that is an earlier snapshot
/// (a single sample has no growth to measure). Charts sum a metric over its tag variants per
/// collection time, optionally filtered by tags (counters are stored as per-second rates, reset
/// aware, so `rate` charts sum them like gauges); at most `maxChartPoints`.
struct HealthInputLoader {
    let store: HealthRunStore

    static let maxChartPoints = 120
    static let fullWindow: TimeInterval = 24 * 3600
    static let shortestWindow: TimeInterval = 3600

    /// 24 hours before `now`, or since the previous completed run when that is more recent,
    /// but never shorter than an hour.
    static func windowStart(now: Date, previousRunAt: Date?) -> Date {
        let full = now.addingTimeInterval(-fullWindow)
        guard let previousRunAt else { return full }
        return max(full, min(previousRunAt, now.addingTimeInterval(-shortestWindow)))
    }

    /// `baselineSignals`: the signals whose baseline is read (nil: all); the others get none.
    func snapshot(orgID: String, assetID: String, now: Date, windowStart: Date, baselineSignals: Set<String>? = nil) throws -> HealthSnapshot {
        let decoder = WireCoding.decoder()
        func rows(_ stored: StoredSnapshot) throws -> [[String: JSONValue]] {
            guard let json = stored.rowsJSON else { return [] }
            return try decoder.decode([[String: JSONValue]].self, from: Data(json.utf8))
        }
        var baselines: [String: StoredSnapshot] = [:]
        for stored in try store.baselineSnapshots(orgID: orgID, assetID: assetID, since: windowStart, signals: baselineSignals) {
            baselines[stored.signal] = stored
        }
        var signals: [ObservedSignal] = []
        for stored in try store.latestSnapshots(orgID: orgID, assetID: assetID) {
            let baseline = stored.status == .ok ? baselines[stored.signal] : nil
            signals.append(ObservedSignal(
                name: stored.signal, status: stored.status, reason: stored.reason, message: stored.message, collectedAt: stored.collectedAt,
                rows: try rows(stored), baseline: try baseline.map(rows), baselineAt: baseline?.collectedAt))
        }
        return HealthSnapshot(signals, now: now, windowStart: windowStart)
    }

    func charts(orgID: String, assetID: String, definitions: [HealthChartDefinition], from: Date, to: Date) throws -> [ReportChart] {
        try definitions.map { definition in
            let points = try store.seriesVariants(orgID: orgID, assetID: assetID, metric: definition.metric, from: from, to: to)
            let wanted = Self.tags(definition.filter ?? "")
            let matching = points.filter { point in
                let tags = Self.tags(Self.tagText(of: point.metric))
                return wanted.allSatisfy { tags[$0.key] == $0.value }
            }
            let series = Self.sums(matching.map { ($0.time, $0.value) })
            return ReportChart(id: definition.id, title: definition.title, unit: definition.unit.rawValue, points: Self.downsample(series))
        }
    }

    // MARK: - Series arithmetic (pure)

    /// "a=1,b=x" -> ["a": "1", "b": "x"].
    static func tags(_ text: String) -> [String: String] {
        var tags: [String: String] = [:]
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard let key = parts.first else { continue }
            tags[key.trimmingCharacters(in: .whitespaces)] = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        }
        return tags
    }

    /// The text between the braces of "signal.column{a=1,b=x}" ("" without tags).
    static func tagText(of metric: String) -> String {
        guard let open = metric.firstIndex(of: "{"), metric.hasSuffix("}") else { return "" }
        return String(metric[metric.index(after: open)..<metric.index(before: metric.endIndex)])
    }

    /// Values at the same time summed, oldest first.
    static func sums(_ points: [(Date, Double)]) -> [ChartPoint] {
        var byTime: [Date: Double] = [:]
        for (time, value) in points { byTime[time, default: 0] += value }
        return byTime.keys.sorted().map { ChartPoint(time: $0, value: byTime[$0]!) }
    }

    /// At most `limit` points: consecutive points are averaged in equal-count buckets.
    static func downsample(_ points: [ChartPoint], limit: Int = maxChartPoints) -> [ChartPoint] {
        guard points.count > limit, limit > 0 else { return points }
        return (0..<limit).map { bucket in
            let lower = bucket * points.count / limit
            let upper = (bucket + 1) * points.count / limit
            let slice = points[lower..<upper]
            let time = slice.map { $0.time.timeIntervalSince1970 }.reduce(0, +) / Double(slice.count)
            let value = slice.map(\.value).reduce(0, +) / Double(slice.count)
            return ChartPoint(time: Date(timeIntervalSince1970: time), value: value)
        }
    }
}
