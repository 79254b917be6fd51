import Foundation

/// A tile's comparison with the preceding window of equal length (reference 2.0, "Trends").
///
/// Contract: `compare` gives nil when either window has no usable value (missing or not finite):
/// the tile then shows no trend. `change` is (current - previous) / |previous|, nil when previous
/// is 0. `direction` is flat when the values are equal or |change| < 1 %; with previous 0 it
/// follows the sign of current. `verdict` is neutral when flat, otherwise worse for a rise of a
/// metric where rising is bad (latency, waits, deadlocks, blocking) and better for a rise of one
/// where it is not (calls, rows, throughput), and the reverse for a fall.
public struct MetricTrend: Sendable, Equatable {
    public enum Direction: String, Sendable { case up, down, flat }
    public enum Verdict: String, Sendable { case better, worse, neutral }

    /// Relative changes below this are noise, drawn without an arrow.
    public static let flatThreshold = 0.01

    public let current: Double
    public let previous: Double
    /// Relative change (0.25 = +25 %); nil when previous is 0.
    public let change: Double?
    public let direction: Direction
    public let verdict: Verdict

    /// nil when either value is missing (no usable data in a window): the tile shows no trend.
    public static func compare(current: Double?, previous: Double?, risingIsBad: Bool) -> MetricTrend? {
        guard let current, let previous, current.isFinite, previous.isFinite else { return nil }
        let change: Double? = previous == 0 ? nil : (current - previous) / abs(previous)
        let direction: Direction
        if current == previous {
            direction = .flat
        } else if let change {
            direction = abs(change) < flatThreshold ? .flat : (change > 0 ? .up : .down)
        } else {
            direction = current > 0 ? .up : .down
        }
        let verdict: Verdict =
            switch direction {
            case .flat: .neutral
            case .up: risingIsBad ? .worse : .better
            case .down: risingIsBad ? .better : .worse
            }
        return MetricTrend(current: current, previous: previous, change: change, direction: direction, verdict: verdict)
    }

    /// "+25 %", "−3.1 %" (a true minus sign), "new" (previous 0, current not), "0 %". One decimal
    /// below 10 %, whole percents above; a change that rounds to nothing reads "0 %", never "+0 %".
    public var label: String {
        guard let change else { return current == previous ? "0 %" : "new" }
        let percent = change * 100
        let digits = abs(percent) < 9.95 ? 1 : 0
        let scale = digits == 1 ? 10.0 : 1.0
        let rounded = (abs(percent) * scale).rounded(.toNearestOrAwayFromZero) / scale
        guard rounded > 0 else { return "0 %" }
        var number = String(format: "%.\(digits)f", rounded)
        if number.hasSuffix(".0") { number.removeLast(2) }
        return (percent > 0 ? "+" : "\u{2212}") + number + " %"
    }
}
