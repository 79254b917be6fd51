import ArgumentParser
import Foundation
import Logging
import LogstagAgent

/// Flags of the agent mode.
struct AgentOptions: ParsableArguments {
    @Flag(help: "Agent: redeem a registration token (prompt, LOGSTAG_TOKEN_FILE or LOGSTAG_TOKEN; never argv) and bind a target to its asset.")
    var enroll = false

    @Flag(help: "Agent: read a secret on stdin and print its machine-bound enc: value.")
    var encrypt = false

    @Flag(help: "Agent: connect to the targets and print reachability, authentication and prerequisite checks.")
    var testConnection = false

    @Flag(help: "Agent: log to /var/log/logstag/agent.log (fallback /tmp/logstag/) as the service does, instead of stdout.")
    var service = false
}

/// `logstag --mode agent`: argument handling only; the work is in LogstagAgent.
struct AgentModeCommand {
    static let defaultConfig = "/etc/logstag/agent.toml"

    let common: CommonOptions
    let options: AgentOptions

    func run() async throws {
        let configPath = common.config ?? Self.defaultConfig
        let output: (String) -> Void = { line in print(line); fflush(nil) }
        if common.checkConfig {
            throw ExitCode(CheckConfigAction.run(configPath: configPath, output: output))
        }
        do {
            if options.encrypt {
                print(try EncryptAction.run(configPath: common.config))
                return
            }
            if options.enroll {
                output(try EnrollAction.run(configPath: configPath, targetName: common.target))
                return
            }
            let config = try loadConfig(configPath)
            if options.testConnection {
                throw ExitCode(TestConnectionAction.run(config: config, targetName: common.target, output: output))
            }
            let masker = SecretMasker()
            masker.register(config)
            // systemd sets INVOCATION_ID for its services: log to the file there without a flag.
            let asService = options.service || ProcessInfo.processInfo.environment["INVOCATION_ID"] != nil
            let destination: LogDestination = asService ? .file(directory: config.agent.logDirectory) : .stdout
            let logOutput = AgentLog.bootstrap(level: config.agent.logLevel.loggerLevel, destination: destination, secrets: masker)
            let logger = Logger(label: "logstag.agent")
            if let reason = logOutput.fallbackReason { logger.warning("logging to the fallback directory", metadata: ["reason": "\(reason)"]) }
            let runtime = try AgentRuntime(config: config, logger: logger)
            await runtime.runUntilTerminated()
        } catch let error as AgentActionError {
            FileHandle.standardError.write(Data("logstag agent: \(error.message)\n".utf8))
            throw ExitCode(error.exitCode)
        }
    }

    func loadConfig(_ path: String) throws(AgentActionError) -> AgentConfig {
        do {
            return try AgentConfigLoader.loadFile(path: path)
        } catch {
            throw AgentActionError("\(path): the configuration cannot be used:\n" + error.problems.map { "  \($0)" }.joined(separator: "\n"), exitCode: 78)
        }
    }
}
