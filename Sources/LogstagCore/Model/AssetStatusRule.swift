import Foundation

/// The rule that turns an asset's facts into its `AssetStatus`.
///
/// Contract: with no agent traffic for the asset within `staleAfter` seconds (inclusive) it is
/// Disconnected. With fresh traffic it is Issues when the last collection or connection test
/// reported a failure (the agent is alive but cannot monitor properly), Connected when a
/// connection test passed and was not invalidated since ("only a passing test turns a
/// Disconnected asset Connected"), and still Disconnected otherwise. Pure: `now` is passed in.
public struct AssetStatusRule: Sendable {
    /// Seconds after the last agent traffic at which an asset stops being Connected.
    public static let staleAfter: TimeInterval = 300

    /// The status for the given facts.
    /// - Parameters:
    ///   - verified: a passing connection test happened and was not invalidated.
    ///   - lastSeen: the last time an agent sent traffic for the asset.
    ///   - lastFailure: the last collection or connection test reported a failure.
    ///   - now: the current time.
    public static func status(verified: Bool, lastSeen: Date?, lastFailure: Bool, now: Date) -> AssetStatus {
        guard let lastSeen, now.timeIntervalSince(lastSeen) <= staleAfter else { return .disconnected }
        if lastFailure { return .issues }
        return verified ? .connected : .disconnected
    }
}
