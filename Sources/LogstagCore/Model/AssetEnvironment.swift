/// The deployment environment an asset belongs to.
///
/// Contract: the raw value is both the stored value and the label shown in the UI; a new asset
/// is `defaultValue` (Production) unless the user picks another one.
public enum AssetEnvironment: String, CaseIterable, Codable, Sendable {
    case production = "Production"
    case preProduction = "Pre-Production"
    case uat = "UAT"
    case staging = "Staging"
    case test = "Test"
    case development = "Development"

    /// The environment of a new asset when none is chosen.
    public static let defaultValue: AssetEnvironment = .production
}
