/// The collection tier a payload was gathered on.
///
/// Contract: tiers run on their own intervals (defaults 10 s, 60 s, 600 s and 14,400 s); the
/// raw value is the wire and storage name.
public enum Tier: String, CaseIterable, Codable, Sendable {
    case high, medium, low, schema
}
