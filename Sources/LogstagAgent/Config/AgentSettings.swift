import Foundation
import LogstagCore

/// The `[agent]` table of the agent configuration.
///
/// Keys (type, default):
/// - `api_base_url` (string, required): the Logstag server's URL, `https://`; `http://` only to
///   127.0.0.1, localhost or [::1]. Stored without a trailing `/`; the agent appends `/api/v1/agent/...`.
/// - `api_key` (string or `enc:` value, none before enrollment): the agent key (`lsa_...`).
/// - `log_level` (`info`): error, warn, info, debug, trace.
/// - `high_frequency_interval` (10), `medium_frequency_interval` (60), `low_frequency_interval`
///   (600), `schema_frequency_interval` (14400): seconds between runs of each tier; 0 disables it.
/// - `startup_warmup_delay` (0): seconds to wait after start before collecting.
/// - `compress_request_payload` (true): gzip request bodies.
/// - `export_to_file` (false), `export_path` (working directory): also write payloads to disk (debug only; sensitive).
/// - `mock_mode` (false): collect but send nothing.
/// - `state_dir` (/var/lib/logstag): host.key, the spool and other agent state.
/// - `log_dir` (none: /var/log/logstag, falling back to /tmp/logstag): where the service writes agent.log.
/// - `server_ca_file` (none: the system store): PEM CA bundle that verifies the server's certificate.
/// - `spool_max_bytes` (67108864 = 64 MiB, at least 1 MiB): disk kept for batches the server has not accepted yet.
/// - `update_check_enabled`, `update_channel`, `update_check_interval`, `auto_install_updates`:
///   accepted for compatibility and ignored (self-hosted agents update through the server's install command).
///
/// Contract: values are validated (`AgentConfigLoader`); `apiKey` is decrypted.
public struct AgentSettings: Sendable, Equatable {
    public static let defaultIntervals: [Tier: Int] = [.high: 10, .medium: 60, .low: 600, .schema: 14_400]
    public static let defaultStateDirectory = "/var/lib/logstag"
    public static let defaultSpoolMaxBytes = 64 * 1024 * 1024
    public static let minimumSpoolMaxBytes = 1024 * 1024

    public var apiBaseURL: String
    public var apiKey: SecretValue?
    public var logLevel: AgentLogLevel = .info
    /// Seconds between runs per tier; a missing tier uses `defaultIntervals`. Read it through `interval(for:)`.
    public var intervals: [Tier: Int] = AgentSettings.defaultIntervals
    public var startupWarmupDelay = 0
    public var compressRequestPayload = true
    public var exportToFile = false
    public var exportPath: String = FileManager.default.currentDirectoryPath
    public var mockMode = false
    public var stateDirectory: String = AgentSettings.defaultStateDirectory
    public var logDirectory: String?
    public var serverCAFile: String?
    public var spoolMaxBytes: Int = AgentSettings.defaultSpoolMaxBytes

    public init(apiBaseURL: String = "", apiKey: SecretValue? = nil) {
        self.apiBaseURL = apiBaseURL
        self.apiKey = apiKey
    }

    /// Seconds between two runs of `tier`; 0 means the tier is disabled.
    public func interval(for tier: Tier) -> Int {
        intervals[tier] ?? Self.defaultIntervals[tier] ?? 0
    }
}
