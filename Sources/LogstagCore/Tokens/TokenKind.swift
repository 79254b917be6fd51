/// The type of a Logstag token, identified by its prefix.
///
/// Contract: the raw value is the four-character prefix every token of this kind starts with;
/// prefixes are distinct so a token used in the wrong place is rejected before any lookup,
/// and secret scanners can recognise leaked tokens.
public enum TokenKind: String, CaseIterable, Sendable {
    case registration = "lsr_"
    case agentKey = "lsa_"
    case apiKey = "lsk_"
    case session = "lss_"
    case invitation = "lsi_"
    case bootstrap = "lsb_"

    /// The prefix of tokens of this kind.
    public var prefix: String { rawValue }

    /// The kind's name for messages, e.g. "registration token".
    public var displayName: String {
        switch self {
        case .registration: "registration token"
        case .agentKey: "agent key"
        case .apiKey: "API key"
        case .session: "session token"
        case .invitation: "invitation token"
        case .bootstrap: "bootstrap token"
        }
    }
}
