import LogstagCore

/// The names and allowed values of the agent configuration, in one place for the loader, the
/// editor and the tests.
enum AgentConfigSchema {
    static let agentTable = "agent"
    static let targetsTable = "targets"

    static let intervalKeys: [(key: String, tier: Tier)] = [
        ("high_frequency_interval", .high), ("medium_frequency_interval", .medium), ("low_frequency_interval", .low),
        ("schema_frequency_interval", .schema),
    ]

    /// Reference keys for the vendor's self-update; accepted and ignored.
    static let updateKeys: Set<String> = ["update_check_enabled", "update_channel", "update_check_interval", "auto_install_updates"]

    static let agentKeys: Set<String> = Set(
        ["api_base_url", "api_key", "log_level", "startup_warmup_delay", "compress_request_payload", "export_to_file", "export_path",
         "mock_mode", "state_dir", "log_dir", "server_ca_file", "spool_max_bytes"]
            + intervalKeys.map(\.key)
    ).union(updateKeys)

    static let cloudKeys = ["cloud_region", "cloud_instance_id", "cloud_access_key", "cloud_secret_key"]

    static let targetKeys: Set<String> = Set(
        ["platform", "db_engine", "db_host", "db_port", "db_username", "db_password", "db_name", "asset_id", "db_sslmode", "db_sslrootcert",
         "cloud_project_id"] + cloudKeys)

    /// Keys whose value may be `enc:...`; anywhere else an encrypted value is a mistake.
    static let encryptableKeys: Set<String> = ["api_key", "db_password", "cloud_secret_key"]

    static let platforms = ["self-hosted", "aws-rds", "huawei-rds"]
    static let managedPlatforms: Set<String> = ["aws-rds", "huawei-rds"]
    static let collectedEngines: [Engine] = [.postgresql, .redis, .valkey]
    static let sslModes = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]
    static let loopbackHosts: Set<String> = ["127.0.0.1", "localhost", "[::1]", "::1"]
    /// A high tier more frequent than this loads the monitored server for little gain.
    static let minimumHighInterval = 5

    /// The closest allowed name within two edits (or one that starts the other, like `warn`
    /// and `warning`), for "did you mean" hints.
    static func suggestion(for name: String, among candidates: some Sequence<String>) -> String? {
        let lowered = name.lowercased()
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            let isPrefix = min(lowered.count, candidate.count) >= 3 && (lowered.hasPrefix(candidate) || candidate.hasPrefix(lowered))
            let distance = isPrefix ? 1 : editDistance(lowered, candidate)
            if distance <= 2, distance < (best?.distance ?? .max) { best = (candidate, distance) }
        }
        return best?.name
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
