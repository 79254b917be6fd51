import LogstagAgent
import LogstagCore

/// The connection test offered after a target was written.
///
/// Contract: `targetAsAgentReadsIt` loads the written file with `AgentConfigLoader.loadFile`
/// (permissions, validation, decryption with host.key: exactly what the agent does) and
/// returns the new target from it; when the file does not load yet (for example an `api_key`
/// the agent still has to receive), it says why and returns nil so the caller tests the
/// answers directly. `run` is the one place that calls the agent's connection test
/// (`AgentConnectionTest.run(target:)`), which never throws.
enum ConnectionCheck {
    static func targetAsAgentReadsIt(path: String, name: String, prompter: Prompter) -> TargetConfig? {
        do {
            let config = try AgentConfigLoader.loadFile(path: path)
            return config.targets.first { $0.name == name }
        } catch {
            prompter.say("  Note: the agent cannot load \(path) yet, so the test uses your answers directly:")
            for problem in error.problems { prompter.say("    - \(problem.description)") }
            return nil
        }
    }

    static func run(_ target: TargetConfig) -> ConnectionTestResult {
        AgentConnectionTest.run(target: target)
    }
}
