import Foundation
import LogstagCore

/// The agent configuration after parsing and validation, before secrets are decrypted and
/// referenced files are checked: what `AgentConfigLoader` builds on.
///
/// Contract: when `problems` is empty, `settings` and every target are complete and valid,
/// and every secret is a `RawSecret` (plain text or a well-formed `enc:` value). `warnings`
/// never stop the agent.
struct AgentConfigReading {
    /// A secret as written in the file.
    struct RawSecret {
        var key: String
        var line: Int
        var text: String
    }

    /// A file named by the configuration; it must exist when the agent starts.
    struct FileReference {
        var key: String
        var line: Int
        var path: String
        var what: String
    }

    struct Target {
        var name: String
        var line: Int
        var platform = "self-hosted"
        var engine: Engine = .postgresql
        var host = ""
        var port = 0
        var username = ""
        var password = RawSecret(key: "db_password", line: 0, text: "")
        var databaseName = ""
        var assetID: String?
        var sslMode: String?
        var sslRootCert: String?
        var cloud: Cloud?
    }

    struct Cloud {
        var region: String
        var instanceID: String
        var accessKey: String
        var secretKey: RawSecret
        var projectID: String?
    }

    var problems: [ConfigProblem] = []
    var warnings: [ConfigProblem] = []
    var settings = AgentSettings()
    var apiKey: RawSecret?
    var targets: [Target] = []
    var files: [FileReference] = []

    /// Every raw secret of the file, in file order.
    var secrets: [RawSecret] {
        var all: [RawSecret] = apiKey.map { [$0] } ?? []
        for target in targets {
            all.append(target.password)
            if let cloud = target.cloud { all.append(cloud.secretKey) }
        }
        return all
    }
}

// MARK: - Reading

extension AgentConfigReading {
    init(text: String) {
        let document: TOMLDocument
        do {
            document = try TOMLDocument.parse(text)
        } catch {
            var problem = ConfigProblem(error)
            if problem.message.hasPrefix("table [\(AgentConfigSchema.targetsTable).") && problem.message.contains("defined twice") {
                problem.message += "; target names must be unique, so rename one of them"
            }
            problems = [problem]
            return
        }
        var sawAgent = false
        var firstTableLine: Int?
        for table in document.tables {
            if !table.path.isEmpty, firstTableLine == nil { firstTableLine = table.line }
            switch table.path.count {
            case 0:
                for entry in table.entries {
                    problems.append(
                        ConfigProblem(
                            line: entry.line, key: entry.key,
                            message: "is outside any table; put it under [agent] or under a [targets.<name>] header"))
                }
            case 1 where table.path[0] == AgentConfigSchema.agentTable:
                sawAgent = true
                readAgent(table)
            case 1 where table.path[0] == AgentConfigSchema.targetsTable:
                for entry in table.entries {
                    problems.append(
                        ConfigProblem(
                            line: entry.line, key: entry.key,
                            message: "[targets] holds no keys itself; put each target's keys under its own [targets.<name>] header"))
                }
            case 2 where table.path[0] == AgentConfigSchema.targetsTable:
                readTarget(table)
            default:
                var message = "unknown table \(table.displayName); the agent reads [agent] and [targets.<name>]"
                if table.path.count == 1,
                    let hint = AgentConfigSchema.suggestion(for: table.path[0], among: [AgentConfigSchema.agentTable, AgentConfigSchema.targetsTable])
                {
                    message += "; did you mean [\(hint)]?"
                } else if table.path.count > 2, table.path[0] == AgentConfigSchema.targetsTable {
                    message += " (a target name that contains a dot must be quoted: [targets.\"a.b\"])"
                }
                problems.append(ConfigProblem(line: table.line, message: message))
            }
        }
        // A file with nothing in it is an agent installed but not configured yet: the runtime
        // decides what to say. Anything else needs [agent] and its api_base_url.
        if !sawAgent, let firstTableLine {
            problems.append(
                ConfigProblem(line: firstTableLine, key: "api_base_url", message: "the [agent] table is missing; add [agent] with api_base_url"))
        }
        problems.sort { $0.line < $1.line }
        warnings.sort { $0.line < $1.line }
    }

    private mutating func readAgent(_ table: TOMLTable) {
        var reader = ConfigTableReader(table: table, allowedKeys: AgentConfigSchema.agentKeys)
        reader.rejectUnknownKeys()
        reader.rejectMisplacedEncryptedValues()

        if let url = reader.string("api_base_url", required: true) {
            if let message = Self.problemWithServerURL(url) {
                reader.report("api_base_url", message)
            } else {
                var trimmed = url
                while trimmed.hasSuffix("/") { trimmed.removeLast() }
                settings.apiBaseURL = trimmed
            }
        }
        if let key = reader.string("api_key"), !key.isEmpty {
            let line = reader.line(of: "api_key")
            if checkSecretShape(key, key: "api_key", line: line) { apiKey = RawSecret(key: "api_key", line: line, text: key) }
        }
        if let level = reader.choice("log_level", among: AgentLogLevel.allCases.map(\.rawValue)) {
            settings.logLevel = AgentLogLevel(rawValue: level) ?? .info
            if settings.logLevel == .trace {
                warnings.append(
                    ConfigProblem(
                        line: reader.line(of: "log_level"), key: "log_level",
                        message: "trace logs every request and signal; use it only for a short investigation, then return to info"))
            }
        }
        for (key, tier) in AgentConfigSchema.intervalKeys {
            guard let seconds = reader.int(key, atLeast: 0, unit: "seconds; 0 disables the tier") else { continue }
            if tier == .high, seconds > 0, seconds < AgentConfigSchema.minimumHighInterval {
                reader.report(
                    key,
                    "\(seconds) s is too aggressive for the high tier (it loads the monitored server); use \(AgentConfigSchema.minimumHighInterval) or more, or 0 to disable the tier")
                continue
            }
            settings.intervals[tier] = seconds
        }
        if let delay = reader.int("startup_warmup_delay", atLeast: 0, unit: "seconds") { settings.startupWarmupDelay = delay }
        if let compress = reader.bool("compress_request_payload") { settings.compressRequestPayload = compress }
        if let export = reader.bool("export_to_file") { settings.exportToFile = export }
        if let path = reader.nonEmptyString("export_path") { settings.exportPath = path }
        if settings.exportToFile {
            warnings.append(
                ConfigProblem(
                    line: reader.line(of: "export_to_file"), key: "export_to_file",
                    message: "payloads are also written to \(settings.exportPath); they contain sensitive metadata (query text, users, "
                        + "configuration), so use this only for a short investigation"))
        }
        if let mock = reader.bool("mock_mode") {
            settings.mockMode = mock
            if mock {
                warnings.append(
                    ConfigProblem(line: reader.line(of: "mock_mode"), key: "mock_mode", message: "mock mode is on: the agent collects but sends nothing to the server"))
            }
        }
        if let directory = reader.nonEmptyString("state_dir") { settings.stateDirectory = directory }
        if let directory = reader.nonEmptyString("log_dir") { settings.logDirectory = directory }
        if let file = reader.nonEmptyString("server_ca_file") {
            settings.serverCAFile = file
            files.append(FileReference(key: "server_ca_file", line: reader.line(of: "server_ca_file"), path: file, what: "the CA bundle"))
        }
        if let bytes = reader.int("spool_max_bytes", atLeast: AgentSettings.minimumSpoolMaxBytes, unit: "bytes, that is 1 MiB") {
            settings.spoolMaxBytes = bytes
        }
        for entry in table.entries where AgentConfigSchema.updateKeys.contains(entry.key) {
            warnings.append(
                ConfigProblem(
                    line: entry.line, key: entry.key,
                    message: "is ignored: self-hosted agents are updated by running the install command from your Logstag server again"))
        }
        problems += reader.problems
    }

    private mutating func readTarget(_ table: TOMLTable) {
        let name = table.path[1]
        var reader = ConfigTableReader(table: table, allowedKeys: AgentConfigSchema.targetKeys)
        if name.isEmpty || name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            reader.report(nil, "the target name must be non-empty text on one line", line: table.line)
        }
        reader.rejectUnknownKeys()
        reader.rejectMisplacedEncryptedValues()
        var target = Target(name: name, line: table.line)

        let platform = reader.choice("platform", among: AgentConfigSchema.platforms, required: true)
        if let platform { target.platform = platform }

        var engine: Engine?
        if let text = reader.string("db_engine", required: true) {
            if let known = Engine(rawValue: text) {
                if AgentConfigSchema.collectedEngines.contains(known) {
                    engine = known
                } else {
                    reader.report(
                        "db_engine",
                        "\(known.displayName) is not supported by this agent build yet; it collects postgresql, redis and valkey")
                }
            } else {
                var message = "expected one of \(Engine.allCases.map(\.rawValue).joined(separator: ", "))"
                if let hint = AgentConfigSchema.suggestion(for: text, among: Engine.allCases.map(\.rawValue)) { message += "; did you mean \"\(hint)\"?" }
                reader.report("db_engine", message)
            }
        }
        if let engine { target.engine = engine }

        if let host = reader.string("db_host", required: true) {
            if host.isEmpty || host.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control }) {
                reader.report("db_host", "expected a host name or IP address without spaces")
            } else {
                target.host = host
            }
        }
        if let port = reader.int("db_port", required: true, hint: "write the port without quotes, e.g. db_port = 5432") {
            if (1...65_535).contains(port) { target.port = port } else { reader.report("db_port", "must be from 1 to 65535") }
        }
        if let username = reader.string("db_username", required: true) { target.username = username }
        if let password = reader.string("db_password", required: true) {
            let line = reader.line(of: "db_password")
            if checkSecretShape(password, key: "db_password", line: line) {
                target.password = RawSecret(key: "db_password", line: line, text: password)
            }
        }
        let redisLike = engine == .redis || engine == .valkey
        let nameHint = redisLike ? "write the database number in quotes, e.g. db_name = \"0\"" : nil
        if let databaseName = reader.string("db_name", required: true, hint: nameHint) {
            if redisLike {
                if let number = Int(databaseName), (0...15).contains(number), String(number) == databaseName {
                    target.databaseName = databaseName
                } else {
                    reader.report("db_name", "for \(engine?.displayName ?? "Redis") it is the database number, \"0\" to \"15\"")
                }
            } else if databaseName.isEmpty {
                reader.report("db_name", "must not be empty; name the database to connect to (e.g. postgres)")
            } else {
                target.databaseName = databaseName
            }
        }
        if let assetID = reader.nonEmptyString("asset_id") { target.assetID = assetID }

        if redisLike {
            for key in ["db_sslmode", "db_sslrootcert"] where reader.has(key) {
                if key == "db_sslmode", reader.string(key) == "disable" { continue }
                reader.report(key, "TLS connections to \(engine?.displayName ?? "Redis") are not supported by this build; remove the key")
            }
        } else {
            if let mode = reader.choice("db_sslmode", among: AgentConfigSchema.sslModes) { target.sslMode = mode }
            if let file = reader.nonEmptyString("db_sslrootcert") {
                target.sslRootCert = file
                files.append(FileReference(key: "db_sslrootcert", line: reader.line(of: "db_sslrootcert"), path: file, what: "the CA bundle"))
            }
        }

        if let platform {
            readCloud(platform: platform, reader: &reader, into: &target)
        }
        problems += reader.problems
        targets.append(target)
    }

    private mutating func readCloud(platform: String, reader: inout ConfigTableReader, into target: inout Target) {
        let huawei = platform == "huawei-rds"
        guard AgentConfigSchema.managedPlatforms.contains(platform) else {
            for key in AgentConfigSchema.cloudKeys + ["cloud_project_id"] where reader.has(key) {
                warnings.append(
                    ConfigProblem(line: reader.line(of: key), key: key, message: "is ignored: cloud credentials are used only with aws-rds and huawei-rds"))
            }
            return
        }
        let region = reader.nonEmptyString("cloud_region", required: true)
        let instanceID = reader.nonEmptyString("cloud_instance_id", required: true)
        let accessKey = reader.nonEmptyString("cloud_access_key", required: true)
        var secretKey: RawSecret?
        if let secret = reader.nonEmptyString("cloud_secret_key", required: true) {
            let line = reader.line(of: "cloud_secret_key")
            if checkSecretShape(secret, key: "cloud_secret_key", line: line) {
                secretKey = RawSecret(key: "cloud_secret_key", line: line, text: secret)
            }
        }
        var projectID: String?
        if huawei {
            projectID = reader.nonEmptyString("cloud_project_id", required: true)
        } else if reader.has("cloud_project_id") {
            warnings.append(
                ConfigProblem(
                    line: reader.line(of: "cloud_project_id"), key: "cloud_project_id", message: "is ignored: only huawei-rds targets use a project id"))
        }
        if let region, let instanceID, let accessKey, let secretKey, !huawei || projectID != nil {
            target.cloud = Cloud(region: region, instanceID: instanceID, accessKey: accessKey, secretKey: secretKey, projectID: projectID)
        }
    }

    /// Plain text is allowed (with a warning); an `enc:` value must at least look right.
    private mutating func checkSecretShape(_ value: String, key: String, line: Int) -> Bool {
        if SecretBox.isEncrypted(value) {
            guard SecretBox.isWellFormed(value) else {
                problems.append(
                    ConfigProblem(
                        line: line, key: key,
                        message: "is not a valid encrypted value (expected enc:v1: followed by base64url text); copy it again or "
                            + "re-encrypt the secret on this host with \(SecretBox.encryptCommand)"))
                return false
            }
        } else if !value.isEmpty {
            warnings.append(
                ConfigProblem(
                    line: line, key: key,
                    message: "is stored in plain text, which is for local testing only; encrypt it on this host with \(SecretBox.encryptCommand)"))
        }
        return true
    }

    /// nil when `url` is an acceptable server URL, else the problem.
    static func problemWithServerURL(_ url: String) -> String? {
        let lowered = url.lowercased()
        let isHTTPS = lowered.hasPrefix("https://")
        guard isHTTPS || lowered.hasPrefix("http://") else {
            return "expected the server's https:// URL, e.g. https://logstag.example.com"
        }
        guard !url.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control }),
            let components = URLComponents(string: url), let host = components.host, !host.isEmpty
        else {
            return "is not a valid URL; expected e.g. https://logstag.example.com"
        }
        guard components.user == nil, components.password == nil else {
            return "must not contain a user name or password; the agent authenticates with api_key"
        }
        guard components.query == nil, components.fragment == nil else {
            return "must not contain a query or fragment; use the server's base URL, e.g. https://logstag.example.com"
        }
        if !isHTTPS {
            let bareHost = host.lowercased()
            guard AgentConfigSchema.loopbackHosts.contains(bareHost) || AgentConfigSchema.loopbackHosts.contains("[\(bareHost)]") else {
                return "must use https:// (plain http:// is accepted only for 127.0.0.1, localhost and [::1]); enable TLS on the server "
                    + "or put it behind a TLS reverse proxy"
            }
        }
        return nil
    }
}
