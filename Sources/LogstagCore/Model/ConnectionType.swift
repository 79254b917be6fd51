/// How the agent reaches the server.
///
/// Contract: `direct` means the agent connects outbound to the server itself; `bridged`
/// (through a relay) is planned and `isAvailable` is false for it.
public enum ConnectionType: String, CaseIterable, Codable, Sendable {
    case direct, bridged

    /// The option's name as shown in the UI.
    public var displayName: String {
        switch self {
        case .direct: "Direct"
        case .bridged: "Bridged"
        }
    }

    /// Whether the option can be used today.
    public var isAvailable: Bool { self == .direct }
}
