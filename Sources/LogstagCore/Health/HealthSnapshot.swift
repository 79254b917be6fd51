import Foundation

/// Everything a health evaluation reads: the latest state of each signal of one asset.
///
/// Contract: `signals` is keyed by signal name; a signal that was never collected is absent.
/// `now` is the evaluation time (for `seconds_since` and the report window's end);
/// `windowStart` is the start of the report window.
public struct HealthSnapshot: Sendable, Equatable {
    public var signals: [String: ObservedSignal]
    public var now: Date
    public var windowStart: Date

    public init(signals: [String: ObservedSignal], now: Date, windowStart: Date) {
        self.signals = signals
        self.now = now
        self.windowStart = windowStart
    }

    /// Convenience: a snapshot from a list of signals.
    public init(_ signals: [ObservedSignal], now: Date, windowStart: Date) {
        self.init(signals: Dictionary(signals.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last }), now: now, windowStart: windowStart)
    }
}
