/// The cloud provider identity of a managed target (`platform = "aws-rds"` or `"huawei-rds"`),
/// used for provider-side CPU, memory and network metrics.
///
/// Contract: every field is non-empty; `projectID` is set for Huawei Cloud and nil for AWS;
/// `secretKey` is decrypted.
public struct CloudCredentials: Sendable, Equatable {
    public var region: String
    public var instanceID: String
    public var accessKey: String
    public var secretKey: SecretValue
    public var projectID: String?

    public init(region: String, instanceID: String, accessKey: String, secretKey: SecretValue, projectID: String? = nil) {
        self.region = region
        self.instanceID = instanceID
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.projectID = projectID
    }
}
