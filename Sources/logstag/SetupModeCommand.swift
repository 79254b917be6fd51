import ArgumentParser
import Foundation
import LogstagSetup

/// Flags of the setup mode. Secrets are never flags: the API key comes from the prompt,
/// LOGSTAG_API_KEY_FILE or LOGSTAG_API_KEY; a database password from the prompt or
/// LOGSTAG_DB_PASSWORD_FILE.
struct SetupOptions: ParsableArguments {
    @Option(help: "Setup: the Logstag server's URL (else LOGSTAG_SERVER, else asked).")
    var server: String?

    @Option(help: "Setup: PEM CA certificate that signed the server's HTTPS certificate.")
    var caFile: String?

    @Option(help: "Setup: id of an existing asset.")
    var asset: String?

    @Flag(help: "Setup: create a new asset (with --engine, --asset-name, --environment, --owner).")
    var createAsset = false

    @Option(help: "Setup: engine of the asset or target (postgresql, mssql, mongodb, redis, valkey, oracle).")
    var engine: String?

    @Option(help: "Setup: name of the new asset (3-100 characters, unique in the organisation).")
    var assetName: String?

    @Option(help: "Setup: environment of the new asset (Production, Pre-Production, UAT, Staging, Test, Development).")
    var environment: String?

    @Option(help: "Setup: e-mail address of the member who owns the new asset.")
    var owner: String?

    @Option(help: "Setup: where the database runs (self-hosted, aws-rds, huawei-rds).")
    var hosting: String?

    @Option(help: "Setup: how the agent reaches the server (direct).")
    var connection: String?

    @Option(help: "Setup: operating system of the agent host (linux, windows).")
    var os: String?

    @Flag(help: "Setup: print the install command without asking anything (API key from LOGSTAG_API_KEY_FILE or LOGSTAG_API_KEY).")
    var printInstallCommand = false

    @Flag(help: "Setup: with --print-install-command, also generate a registration token and print it.")
    var showToken = false

    @Option(help: "Setup: with --print-install-command, also generate a registration token and write it to this file (0600).")
    var tokenFile: String?

    @Flag(help: "Setup: add a database target to the agent configuration on this host (password encrypted for this machine).")
    var writeAgentConfig = false

    @Option(help: "Setup: agent configuration file to edit (default /etc/logstag/agent.toml).")
    var agentConfig: String?

    @Option(help: "Setup: the agent's state directory holding host.key (default: the file's state_dir, else /var/lib/logstag).")
    var stateDir: String?

    @Option(help: "Setup: database host of the new target.")
    var dbHost: String?

    @Option(help: "Setup: database port of the new target (default by engine).")
    var dbPort: String?

    @Option(help: "Setup: database user of the new target.")
    var dbUsername: String?

    @Option(help: "Setup: database name (PostgreSQL) or number 0-15 (Redis, Valkey) of the new target.")
    var dbName: String?

    @Option(help: "Setup: libpq sslmode of a new PostgreSQL target (disable, allow, prefer, require, verify-ca, verify-full).")
    var sslmode: String?

    @Flag(help: "Setup: with --write-agent-config, write and test without asking for confirmation.")
    var yes = false

    func arguments(target: String?) -> SetupArguments {
        SetupArguments(
            server: server, caFile: caFile, assetID: asset, createAsset: createAsset, engine: engine, assetName: assetName,
            environment: environment, owner: owner, hosting: hosting, connection: connection, os: os,
            printInstallCommand: printInstallCommand, showToken: showToken, tokenFile: tokenFile, writeAgentConfig: writeAgentConfig,
            agentConfig: agentConfig, stateDirectory: stateDir, target: target, databaseHost: dbHost, databasePort: dbPort,
            databaseUsername: dbUsername, databaseName: dbName, sslMode: sslmode, assumeYes: yes)
    }
}

/// `logstag --mode setup`: hands the flags to `SetupMode` on the process's own terminal.
struct SetupModeCommand {
    let common: CommonOptions
    let options: SetupOptions

    func run() throws {
        let code = SetupMode.run(arguments: options.arguments(target: common.target), terminal: SystemTerminal())
        if code != 0 { throw ExitCode(code) }
    }
}
