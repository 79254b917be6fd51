/// The agent's whole configuration file: `[agent]` and every `[targets.<name>]`, validated and
/// with secrets decrypted.
///
/// Contract: target names are unique and `targets` is in file order. An agent installed but
/// not enrolled yet has `agent.apiKey == nil`, and may have no targets.
public struct AgentConfig: Sendable, Equatable {
    public var agent: AgentSettings
    public var targets: [TargetConfig]

    public init(agent: AgentSettings, targets: [TargetConfig]) {
        self.agent = agent
        self.targets = targets
    }

    /// Every decrypted secret of the file (agent key, passwords, cloud secret keys), for
    /// `SecretMasker` to hide in logs.
    public var secrets: [SecretValue] {
        var values: [SecretValue] = []
        if let apiKey = agent.apiKey { values.append(apiKey) }
        for target in targets {
            values.append(target.password)
            if let cloud = target.cloud { values.append(cloud.secretKey) }
        }
        return values
    }
}
