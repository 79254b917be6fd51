import ArgumentParser
import Foundation

/// `logstag --mode server|agent|setup`: one binary, three modes. This file only parses
/// arguments and hands off to the mode's module.
@main
struct Logstag: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "logstag",
        abstract: "Logstag: self-hosted database monitoring (server, agent and setup in one binary).",
        discussion: """
            Modes:
              server   web UI, JSON API, embedded SQLite storage and scheduler
              agent    collects from databases next to it and sends to the server (agent release)
              setup    interactive prompt for install commands and tokens (agent release)

            Examples:
              logstag --mode server                          # 127.0.0.1:8080, data in ./logstag-data/
              logstag --mode server --config /etc/logstag/server.toml
              echo "$PASSWORD" | logstag --mode server --create-owner --org Acme --email owner@example.com
              logstag --mode server --verify-audit
            """,
        version: version)

    enum Mode: String, ExpressibleByArgument, CaseIterable {
        case server, agent, setup
    }

    @Option(help: "What to run: server, agent or setup.")
    var mode: Mode

    @OptionGroup(title: "Server options")
    var server: ServerOptions

    func run() async throws {
        switch mode {
        case .server: try await ServerMode(options: server).run()
        case .agent: try AgentModeCommand().run()
        case .setup: try SetupModeCommand().run()
        }
    }
}
