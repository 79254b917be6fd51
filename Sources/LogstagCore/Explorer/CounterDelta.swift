import Foundation

/// Turns two consecutive samples of a monotonically increasing counter into the increase between them.
///
/// Contract: a counter that went backwards was reset (stats reset, server restart): it restarted at
/// zero, so the increase is the new value itself. The result is never negative: negative or
/// non-finite samples, and an interval that is not a positive finite number of seconds, give nil
/// (a gap on the chart, never a spike). The increase across a reset undercounts whatever was added
/// before the reset and after the previous sample; nothing can recover that.
public enum CounterDelta {
    public static func increase(previous: Double, current: Double) -> Double? {
        guard previous.isFinite, current.isFinite, previous >= 0, current >= 0 else { return nil }
        return current >= previous ? current - previous : current
    }

    /// `increase / seconds`: the per-second rate the charts draw.
    public static func rate(previous: Double, current: Double, seconds: TimeInterval) -> Double? {
        guard seconds.isFinite, seconds > 0, let increase = increase(previous: previous, current: current) else { return nil }
        return increase / seconds
    }
}
