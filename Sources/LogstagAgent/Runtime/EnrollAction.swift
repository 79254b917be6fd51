import Foundation
import LogstagCore

/// `logstag --mode agent --enroll [--target NAME]`: redeems a registration token for the
/// agent key and binds one target to its asset.
///
/// Contract: the token comes from `RegistrationTokenSource` (never argv). The target is the
/// one named, else the only target without an `asset_id`. On the first enrollment the agent
/// key from the server is encrypted with the machine-bound `SecretBox` and written as
/// `api_key`; an agent that already has a key sends it, so the server binds one more asset to
/// the same agent. `asset_id` is written into the target's table. The config file is replaced
/// atomically (mode 0600) only after the server accepted the token, so an interrupted or
/// failed enrollment leaves it unchanged. Returns a one-line summary.
public enum EnrollAction {
    public static func run(configPath: String, targetName: String?, transport: (any HTTPTransport)? = nil) throws(AgentActionError) -> String {
        let config: AgentConfig
        do {
            config = try AgentConfigLoader.loadFile(path: configPath)
        } catch {
            throw AgentActionError("\(configPath): fix the configuration before enrolling:\n" + error.problems.map { "  \($0)" }.joined(separator: "\n"))
        }
        guard !config.agent.apiBaseURL.isEmpty else {
            throw AgentActionError("\(configPath): set api_base_url in [agent] to the Logstag server's URL before enrolling.")
        }
        let target = try chooseTarget(config.targets, named: targetName, configPath: configPath)
        let token = try RegistrationTokenSource.read()

        let client = EnrollmentClient(transport: transport ?? CurlTransport(caFile: config.agent.serverCAFile))
        let request = EnrollmentRequest(
            registrationToken: token, hostname: ProcessInfo.processInfo.hostName, agentVersion: LogstagVersion.current,
            targetName: target.name, engine: target.engine, host: target.host, port: target.port, platform: target.platform)
        let response: EnrollmentResponse
        do {
            response = try client.enroll(baseURL: config.agent.apiBaseURL, request: request, agentKey: config.agent.apiKey)
        } catch {
            throw AgentActionError("Enrollment failed: \(error.message)")
        }

        guard let data = FileManager.default.contents(atPath: configPath), let text = String(data: data, encoding: .utf8) else {
            throw AgentActionError("\(configPath) could not be read again to record the enrollment.")
        }
        do {
            var editor = try AgentConfigEditor(text: text)
            if let key = response.agentKey {
                let box = try SecretBox(stateDirectory: config.agent.stateDirectory, createHostSecret: true)
                editor.setAgentValue("api_key", .string(try box.encrypt(key)))
            }
            editor.setTargetValue(target: target.name, "asset_id", .string(response.assetID))
            try ConfigFileWriter.write(editor.text, to: configPath)
        } catch let error as SecretError {
            throw AgentActionError("The server accepted the token but the agent key could not be stored: \(error.message)")
        } catch {
            throw AgentActionError("The server accepted the token but \(configPath) could not be updated: \(error)")
        }
        let keyNote = response.agentKey == nil ? "the agent's existing key was reused" : "the agent key is stored encrypted in \(configPath)"
        return "Enrolled target \"\(target.name)\" as asset \"\(response.assetName)\" (\(response.assetID)); \(keyNote). Start the agent, or restart it if it is running (systemctl restart logstag-agent), to collect this target."
    }

    static func chooseTarget(_ targets: [TargetConfig], named name: String?, configPath: String) throws(AgentActionError) -> TargetConfig {
        if let name {
            guard let target = targets.first(where: { $0.name == name }) else {
                throw AgentActionError("\(configPath) has no [targets.\(name)] table. Add it (or run `logstag --mode setup --write-agent-config`) and try again.")
            }
            return target
        }
        let unbound = targets.filter { $0.assetID == nil }
        switch unbound.count {
        case 1: return unbound[0]
        case 0 where targets.isEmpty:
            throw AgentActionError(
                "\(configPath) has no [targets.<name>] table yet. Add the database this token is for (see the commented example in the file, or run `logstag --mode setup --write-agent-config`), then enroll again.")
        case 0:
            throw AgentActionError("Every target in \(configPath) is already enrolled. Add a new [targets.<name>] table for this token, or name one with --target.")
        default:
            throw AgentActionError(
                "Several targets are not enrolled yet (\(unbound.map(\.name).joined(separator: ", "))): name the one this token is for with --target.")
        }
    }
}
