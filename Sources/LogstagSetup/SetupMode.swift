import Foundation
import LogstagAgent
import LogstagCore

/// `logstag --mode setup`: the operator's prompt for install commands, registration tokens and
/// (on an agent host) agent configuration.
///
/// Contract: `run` returns the process exit code and never crashes on input: 0 done, 1 a user
/// error (a wrong flag, input ended, a rejected API key; the message names the flag), 2 a server
/// or network failure. Ctrl-C exits 130 through `InterruptGuard` with the terminal restored.
/// Which flow runs: `--write-agent-config` writes a target into the agent configuration
/// (`AgentConfigFlow`); `--print-install-command` prints an install command without asking
/// anything (`InstallCommandAutomation`); otherwise the interactive `InstallCommandFlow`, with
/// flags pre-filling its answers. Secrets never come from argv.
public enum SetupMode {
    public static func run(arguments: SetupArguments, terminal: any Terminal) -> Int32 {
        InterruptGuard.install()
        let environment = ProcessInfo.processInfo.environment
        return run(
            arguments: arguments, terminal: terminal, environment: environment,
            transport: CurlTransport(caFile: arguments.caFile, userAgent: "logstag-setup"))
    }

    /// The same with the environment and HTTP transport passed in (tests use this).
    static func run(arguments: SetupArguments, terminal: any Terminal, environment: [String: String], transport: any HTTPTransport) -> Int32 {
        do {
            try checkFlagCombination(arguments)
            if arguments.writeAgentConfig {
                return try AgentConfigFlow(prompter: Prompter(terminal: terminal), arguments: arguments, environment: environment).run()
            } else if arguments.printInstallCommand {
                try InstallCommandAutomation(terminal: terminal, arguments: arguments, environment: environment, transport: transport).run()
            } else {
                try InstallCommandFlow(prompter: Prompter(terminal: terminal), arguments: arguments, environment: environment, transport: transport).run()
            }
            return 0
        } catch {
            terminal.writeError("Error: \(error.message)\n")
            if error == .endOfInput && !terminal.isInteractive {
                terminal.writeError("Standard input is not a terminal; for scripts, give every answer as a flag with --print-install-command (or --write-agent-config --yes).\n")
            }
            return error.exitCode
        }
    }

    /// Flags that belong to one flow must not be mixed with the other.
    static func checkFlagCombination(_ arguments: SetupArguments) throws(SetupStop) {
        if let caFile = arguments.caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            throw .user("--ca-file: \(caFile) cannot be read; give the path of the PEM certificate of the CA that signed the server's certificate.")
        }
        if arguments.writeAgentConfig {
            let installOnly: [(String, Bool)] = [
                ("--print-install-command", arguments.printInstallCommand), ("--show-token", arguments.showToken),
                ("--token-file", arguments.tokenFile != nil), ("--asset", arguments.assetID != nil), ("--create-asset", arguments.createAsset),
                ("--asset-name", arguments.assetName != nil), ("--environment", arguments.environment != nil), ("--owner", arguments.owner != nil),
                ("--connection", arguments.connection != nil), ("--os", arguments.os != nil),
            ]
            if let flag = installOnly.first(where: \.1)?.0 {
                throw .user("\(flag) does not apply with --write-agent-config (which only edits the agent configuration on this host).")
            }
        } else {
            let agentOnly: [(String, Bool)] = [
                ("--agent-config", arguments.agentConfig != nil), ("--state-dir", arguments.stateDirectory != nil), ("--target", arguments.target != nil),
                ("--db-host", arguments.databaseHost != nil), ("--db-port", arguments.databasePort != nil),
                ("--db-username", arguments.databaseUsername != nil), ("--db-name", arguments.databaseName != nil), ("--sslmode", arguments.sslMode != nil),
            ]
            if let flag = agentOnly.first(where: \.1)?.0 { throw .user("\(flag) only applies with --write-agent-config.") }
            if !arguments.printInstallCommand && (arguments.showToken || arguments.tokenFile != nil) {
                throw .user("\(arguments.showToken ? "--show-token" : "--token-file") only applies with --print-install-command; the interactive prompt shows the token itself.")
            }
        }
    }
}
