import Foundation

/// The rule that turns an asset's facts into its `AssetStatus`.
///
/// Contract: an asset is Connected only when it is verified (a connection test passed and was
/// not invalidated since) and an agent sent traffic for it within `staleAfter` seconds
/// (inclusive); Issues when it would be Connected but the last collection or connection test
/// failed; Disconnected otherwise. Pure: `now` is passed in.
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
        guard verified, let lastSeen, now.timeIntervalSince(lastSeen) <= staleAfter else {
            return .disconnected
        }
        return lastFailure ? .issues : .connected
    }
}
