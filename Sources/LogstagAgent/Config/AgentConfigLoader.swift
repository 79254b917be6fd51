import Foundation
import LogstagCore

/// Reads and validates the agent configuration (`/etc/logstag/agent.toml`).
///
/// Contract: `check` and `warnings` read only the text: no network, no file system, no
/// decryption. `load` does everything `check` does, then checks that the files the
/// configuration names (server_ca_file, db_sslrootcert) can be read and decrypts `enc:`
/// values; it throws every problem at once, sorted by line, and returns a configuration only
/// when there is none. `loadFile` also refuses a configuration file that other users can read
/// (see `FilePermissions`). A file with no tables and no keys is valid (an agent installed but
/// not configured yet): it yields default settings, an empty `apiBaseURL` and no targets.
/// Problem messages never quote a secret.
public enum AgentConfigLoader {
    /// Parses and validates without touching the network or decrypting; returns every problem.
    public static func check(text: String) -> [ConfigProblem] {
        AgentConfigReading(text: text).problems
    }

    /// Things that do not stop the agent but deserve attention: secrets in plain text, ignored
    /// keys, debug switches left on. Empty when the text does not parse (see `check`).
    public static func warnings(text: String) -> [ConfigProblem] {
        AgentConfigReading(text: text).warnings
    }

    /// Parses, validates and decrypts `enc:` values with the box; throws all problems at once.
    /// - Parameter secrets: nil when no box could be made; then an `enc:` value is a problem.
    public static func load(text: String, secrets: SecretBox?) throws(ConfigProblems) -> AgentConfig {
        try load(text: text, box: secrets.map { .success($0) })
    }

    /// Reads the file at `path` after checking that only its owner may read it, makes the
    /// secret box from the file's `state_dir`, and loads it.
    /// - Parameter machineID: the machine identity (tests); nil reads /etc/machine-id.
    public static func loadFile(path: String, machineID: String? = nil) throws(ConfigProblems) -> AgentConfig {
        do {
            try FilePermissions.requirePrivate(path: path, what: "The configuration file")
        } catch {
            throw ConfigProblems([ConfigProblem(line: 0, message: error.message)])
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigProblems([ConfigProblem(line: 0, message: "The configuration file \(path) cannot be read by this user.")])
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw ConfigProblems([ConfigProblem(line: 0, message: "The configuration file \(path) is not UTF-8 text; save it as UTF-8.")])
        }
        let box = Result { () throws(SecretError) -> SecretBox in
            try SecretBox(stateDirectory: stateDirectory(text: text), createHostSecret: false, machineID: machineID)
        }
        return try load(text: text, box: box)
    }

    /// The `state_dir` the text configures, or the default; for making the `SecretBox` before
    /// `load`. Never fails: a broken file is reported by `load`.
    public static func stateDirectory(text: String) -> String {
        guard let document = try? TOMLDocument.parse(text), let agent = document.table(path: [AgentConfigSchema.agentTable]),
            case .string(let directory)? = agent.entry("state_dir")?.value, !directory.isEmpty
        else { return AgentSettings.defaultStateDirectory }
        return directory
    }

    // MARK: - Loading

    static func load(text: String, box: Result<SecretBox, SecretError>?) throws(ConfigProblems) -> AgentConfig {
        let reading = AgentConfigReading(text: text)
        guard reading.problems.isEmpty else { throw ConfigProblems(reading.problems) }
        var problems: [ConfigProblem] = []

        for file in reading.files where !FileManager.default.isReadableFile(atPath: file.path) {
            let exists = FileManager.default.fileExists(atPath: file.path)
            let message = exists
                ? "\(file.what) \(file.path) cannot be read by this user; make it readable by the agent's user"
                : "\(file.what) \(file.path) does not exist; correct the path or copy the file there"
            problems.append(ConfigProblem(line: file.line, key: file.key, message: message))
        }

        var decrypted: [Int: SecretValue] = [:]
        for secret in reading.secrets {
            guard SecretBox.isEncrypted(secret.text) else {
                decrypted[secret.line] = SecretValue(secret.text)
                continue
            }
            switch box {
            case nil:
                problems.append(
                    ConfigProblem(
                        line: secret.line, key: secret.key,
                        message: "is encrypted, but the configuration was loaded without the agent's secret box, so it cannot be decrypted"))
            case .failure(let error)?:
                problems.append(ConfigProblem(line: secret.line, key: secret.key, message: "cannot be decrypted: " + error.message))
            case .success(let box)?:
                do {
                    decrypted[secret.line] = try box.decrypt(secret.text)
                } catch {
                    problems.append(ConfigProblem(line: secret.line, key: secret.key, message: "cannot be decrypted: " + error.message))
                }
            }
        }
        guard problems.isEmpty else { throw ConfigProblems(problems.sorted { $0.line < $1.line }) }

        // Every secret is on its own line, so the line identifies it.
        func value(_ secret: AgentConfigReading.RawSecret) -> SecretValue { decrypted[secret.line] ?? SecretValue(secret.text) }
        var settings = reading.settings
        settings.apiKey = reading.apiKey.map(value)
        let targets = reading.targets.map { target in
            TargetConfig(
                name: target.name, platform: target.platform, engine: target.engine, host: target.host, port: target.port,
                username: target.username, password: value(target.password), databaseName: target.databaseName, assetID: target.assetID,
                sslMode: target.sslMode, sslRootCert: target.sslRootCert, line: target.line,
                cloud: target.cloud.map { cloud in
                    CloudCredentials(
                        region: cloud.region, instanceID: cloud.instanceID, accessKey: cloud.accessKey, secretKey: value(cloud.secretKey),
                        projectID: cloud.projectID)
                })
        }
        return AgentConfig(agent: settings, targets: targets)
    }
}
