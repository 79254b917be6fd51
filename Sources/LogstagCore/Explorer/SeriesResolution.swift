import Foundation

/// Stored resolutions of series data: raw samples and the 1-minute / 1-hour rollups.
///
/// Contract: `step` is the spacing of stored points: nil for raw (it is the collection interval of
/// the signal, an input wherever it matters), 60 s for `minute`, 3600 s for `hour`. `allCases` runs
/// from finest to coarsest.
public enum SeriesResolution: String, Sendable, CaseIterable {
    case raw, minute, hour

    public var step: TimeInterval? {
        switch self {
        case .raw: nil
        case .minute: 60
        case .hour: 3600
        }
    }

    /// The step with the raw collection interval filled in.
    public func step(rawStep: TimeInterval) -> TimeInterval { step ?? rawStep }
}

/// How long each stored resolution is kept (issue 5: raw 7 days, then 1-minute and 1-hour rollups
/// for 30 and 400 days).
///
/// Contract: a resolution holds data at instant `t` when `t >= now - keeps(resolution)` (the
/// boundary itself is still retained). Values are durations in seconds.
public struct SeriesRetention: Sendable, Equatable {
    public var raw: TimeInterval
    public var minute: TimeInterval
    public var hour: TimeInterval

    public static let defaults = SeriesRetention(raw: 7 * 86_400, minute: 30 * 86_400, hour: 400 * 86_400)

    public init(raw: TimeInterval, minute: TimeInterval, hour: TimeInterval) {
        self.raw = raw
        self.minute = minute
        self.hour = hour
    }

    public func keeps(_ resolution: SeriesResolution) -> TimeInterval {
        switch resolution {
        case .raw: raw
        case .minute: minute
        case .hour: hour
        }
    }

    /// Whether `resolution` still holds data at `instant`, seen at `now`.
    public func retains(_ resolution: SeriesResolution, at instant: Date, now: Date) -> Bool {
        instant >= now.addingTimeInterval(-keeps(resolution))
    }
}

/// Which stored resolution a chart over a window reads, and the bucket it draws.
///
/// Contract: `bucket` is a "nice" width (`niceBuckets`, or a multiple of 7 days beyond them), never
/// below `minimumBucket` (10 s), a whole multiple of the source's step, and the smallest such width
/// giving at most `maxPoints` buckets when the source allows it. `resolution` is the coarsest
/// resolution that divides the bucket and still holds data at the window start; when none holds
/// it, the one kept longest (it covers the most of the window). Reading the coarsest fitting source
/// keeps a 30-day chart from scanning 260,000 raw points to draw 720.
public struct SeriesReadPlan: Sendable, Equatable {
    public let resolution: SeriesResolution
    /// Bucket width of the drawn points (>= the source step).
    public let bucket: TimeInterval
    /// Length of the charted window.
    public let window: TimeInterval

    /// 10 s, 20 s, 30 s, 1 min, 2, 5, 10, 15, 30 min, 1 h, 2, 3, 6, 12 h, 1 d, 2 d, 7 d.
    public static let niceBuckets: [TimeInterval] = [
        10, 20, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400, 172_800, 604_800,
    ]
    /// The narrowest bucket drawn, whatever the collection interval: finer points are noise on a chart.
    public static let minimumBucket: TimeInterval = 10

    public init(resolution: SeriesResolution, bucket: TimeInterval, window: TimeInterval) {
        self.resolution = resolution
        self.bucket = bucket
        self.window = window
    }

    /// Buckets the window is drawn with (the last one may be partial).
    public var expectedPoints: Int {
        guard window > 0, bucket > 0 else { return 0 }
        return Int((window / bucket - 1e-9).rounded(.up))
    }

    /// bucket = the smallest nice width that gives at most `maxPoints` buckets and that a retained
    /// source divides; source = the COARSEST resolution whose step divides the bucket and that
    /// still holds data at `windowStart` given the retention cut-offs (raw data older than
    /// now - rawRetention is gone, etc.). If nothing retains the window start, the resolution
    /// kept longest. `rawStep` is the collection interval of the raw samples (10 s at the high tier).
    public static func plan(
        windowStart: Date, windowEnd: Date, now: Date, retention: SeriesRetention, maxPoints: Int = 1000,
        rawStep: TimeInterval = 10
    ) -> SeriesReadPlan {
        let window = max(0, windowEnd.timeIntervalSince(windowStart))
        let rawStep = rawStep.isFinite && rawStep > 0 ? rawStep : minimumBucket
        let narrowest = max(window / Double(max(1, maxPoints)), minimumBucket)

        let retained = SeriesResolution.allCases.filter { retention.retains($0, at: windowStart, now: now) }
        let longestKept = SeriesResolution.allCases.reversed().max { retention.keeps($0) < retention.keeps($1) } ?? .hour
        // Coarsest first: the first that fits a bucket reads the fewest stored points.
        let sources = (retained.isEmpty ? [longestKept] : retained).reversed()

        for bucket in candidateBuckets(atLeast: narrowest) {
            if let source = sources.first(where: { divides(bucket, by: $0.step(rawStep: rawStep)) }) {
                return SeriesReadPlan(resolution: source, bucket: bucket, window: window)
            }
        }
        // Only an odd raw step that divides no nice width gets here: draw whole multiples of it.
        let source = sources.first ?? longestKept
        let step = source.step(rawStep: rawStep)
        return SeriesReadPlan(resolution: source, bucket: (narrowest / step).rounded(.up) * step, window: window)
    }

    /// The nice widths from `narrowest` up, extended by multiples of 7 days for very long windows.
    private static func candidateBuckets(atLeast narrowest: TimeInterval) -> [TimeInterval] {
        var buckets = niceBuckets.filter { $0 >= narrowest - 1e-9 }
        if buckets.isEmpty, let widest = niceBuckets.last {
            buckets = [(narrowest / widest).rounded(.up) * widest]
        }
        return buckets
    }

    private static func divides(_ bucket: TimeInterval, by step: TimeInterval) -> Bool {
        guard step > 0, bucket >= step - 1e-9 else { return false }
        let ratio = bucket / step
        return abs(ratio - ratio.rounded()) < 1e-9
    }
}
