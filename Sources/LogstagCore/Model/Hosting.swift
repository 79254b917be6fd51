/// Where a monitored database runs, as picked in the asset wizard.
///
/// Contract: the raw value is the stable identifier (also the agent's `platform` value for the
/// available options); options with `isAvailable == false` are shown as "planned" and cannot
/// be used to build an install command.
public enum Hosting: String, CaseIterable, Codable, Sendable {
    case selfHosted = "self-hosted"
    case awsRDS = "aws-rds"
    case huaweiRDS = "huawei-rds"
    case azure
    case gcp

    /// The option's name as shown in the UI.
    public var displayName: String {
        switch self {
        case .selfHosted: "Self-hosted"
        case .awsRDS: "AWS RDS"
        case .huaweiRDS: "Huawei Cloud RDS"
        case .azure: "Microsoft Azure"
        case .gcp: "Google Cloud"
        }
    }

    /// Whether the option can be used today; the others are planned.
    public var isAvailable: Bool {
        switch self {
        case .selfHosted, .awsRDS, .huaweiRDS: true
        case .azure, .gcp: false
        }
    }
}
