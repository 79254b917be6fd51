import ArgumentParser
import LogstagCore
import Foundation

/// `logstag --mode server|agent|setup`: one binary, three modes. This file only parses
/// arguments and hands off to the mode's module.
@main
struct Logstag: AsyncParsableCommand {
    static let version = LogstagVersion.current

    static let configuration = CommandConfiguration(
        commandName: "logstag",
        abstract: "Logstag: self-hosted database monitoring (server, agent and setup in one binary).",
        discussion: """
            Modes:
              server   web UI, JSON API, embedded SQLite storage and scheduler
              agent    collects from PostgreSQL, Redis and Valkey next to it and sends to the server
              setup    interactive prompt: pick or create an asset, get its install command and token,
                       or write an agent target with an encrypted password

            Examples:
              logstag --mode server                          # 127.0.0.1:8080, data in ./logstag-data/
              logstag --mode server --config /etc/logstag/server.toml
              echo "$PASSWORD" | logstag --mode server --create-owner --org Acme --email owner@example.com
              logstag --mode server --verify-audit
              logstag --mode agent --config /etc/logstag/agent.toml --check-config
              logstag --mode agent --config /etc/logstag/agent.toml --enroll   # asks for the registration token
              logstag --mode agent --config /etc/logstag/agent.toml --encrypt  # reads a secret on stdin, prints enc:...
              logstag --mode agent --config /etc/logstag/agent.toml --test-connection
              logstag --mode setup
            """,
        version: version)

    enum Mode: String, ExpressibleByArgument, CaseIterable {
        case server, agent, setup
    }

    @Option(help: "What to run: server, agent or setup.")
    var mode: Mode

    @OptionGroup(title: "Options for every mode")
    var common: CommonOptions

    @OptionGroup(title: "Server options")
    var server: ServerOptions

    @OptionGroup(title: "Agent options")
    var agent: AgentOptions

    @OptionGroup(title: "Setup options")
    var setup: SetupOptions

    func run() async throws {
        switch mode {
        case .server: try await ServerMode(common: common, options: server).run()
        case .agent: try await AgentModeCommand(common: common, options: agent).run()
        case .setup: try SetupModeCommand(common: common, options: setup).run()
        }
    }
}
