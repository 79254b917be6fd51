/// The connection status of an asset as shown in the asset list.
///
/// Contract: computed only by `AssetStatusRule.status(verified:lastSeen:lastFailure:now:)`;
/// the raw value is the label shown in the UI and accepted by the `status` filter.
public enum AssetStatus: String, CaseIterable, Codable, Sendable {
    case connected = "Connected"
    case disconnected = "Disconnected"
    case issues = "Issues"
}
