import ArgumentParser
import Foundation
import Logging
import LogstagServer
import LogstagStorage

/// Options every mode understands.
struct CommonOptions: ParsableArguments {
    @Option(help: "TOML configuration file (server: /etc/logstag/server.toml, agent: /etc/logstag/agent.toml).")
    var config: String?

    @Flag(help: "Validate the configuration without connecting anywhere, print every problem and exit (1 when there are problems).")
    var checkConfig = false

    @Option(help: "Agent and setup: the [targets.<name>] table to enroll, test or write.")
    var target: String?
}

/// Flags of the server mode. Values given here override the file and the environment.
struct ServerOptions: ParsableArguments {
    @Option(help: "Address to listen on, HOST:PORT (default 127.0.0.1:8080).")
    var listen: String?

    @Option(help: "Data directory for the database and server secret (default ./logstag-data).")
    var dataDir: String?

    @Option(help: "Public URL of this server, used in install commands and links.")
    var publicUrl: String?

    @Flag(help: "Create an organisation and its Account Owner non-interactively (password on stdin or LOGSTAG_OWNER_PASSWORD).")
    var createOwner = false

    @Option(help: "Organisation name for --create-owner.")
    var org: String?

    @Option(help: "E-mail address for --create-owner.")
    var email: String?

    @Option(help: "Display name for --create-owner.")
    var name: String?

    @Flag(help: "Verify every organisation's audit-log hash chain and exit (1 if tampered).")
    var verifyAudit = false
}

/// Runs the server or one of its one-shot actions.
struct ServerMode {
    let common: CommonOptions
    let options: ServerOptions

    func run() async throws {
        let config = try loadConfig()
        var logger = Logger(label: "logstag.server")
        logger.logLevel = Logger.Level(rawValue: config.logLevel) ?? .info
        if common.checkConfig {
            print("Configuration OK (listen \(config.host):\(config.port), data \(config.dataDir), \(config.tlsEnabled ? "HTTPS" : "HTTP")).")
            return
        }
        if options.createOwner { return try createOwner(config: config, logger: logger) }
        if options.verifyAudit { return try verifyAudit(config: config, logger: logger) }
        try await LogstagServerRunner.run(config: config, logger: logger)
    }

    func loadConfig() throws -> ServerConfig {
        var fileText: String?
        if let path = common.config {
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw ValidationError("Cannot read the configuration file \(path).")
            }
            fileText = text
        }
        var flags: [String: String] = [:]
        if let listen = options.listen { flags["listen"] = listen }
        if let dataDir = options.dataDir { flags["data_dir"] = dataDir }
        if let publicURL = options.publicUrl { flags["public_url"] = publicURL }
        do {
            return try ServerConfig.load(
                fileText: fileText, fileName: common.config ?? "config", environment: ProcessInfo.processInfo.environment, flags: flags)
        } catch {
            FileHandle.standardError.write(Data("Configuration error: \(error.message)\n".utf8))
            throw ExitCode(78)
        }
    }

    func createOwner(config: ServerConfig, logger: Logger) throws {
        guard let org = options.org, let email = options.email else {
            throw ValidationError("--create-owner needs --org and --email; the password is read from stdin or LOGSTAG_OWNER_PASSWORD.")
        }
        let password: String
        if let fromEnvironment = ProcessInfo.processInfo.environment["LOGSTAG_OWNER_PASSWORD"] {
            password = fromEnvironment
        } else {
            if isatty(STDIN_FILENO) != 0 { FileHandle.standardError.write(Data("Password for \(email): ".utf8)) }
            password = readLine(strippingNewline: true) ?? ""
        }
        let services = try LogstagServerRunner.openServices(config: config, logger: logger)
        defer { try? services.database.close() }
        do {
            let (user, organization) = try OwnerBootstrap.create(
                services: services, organization: org, name: options.name ?? email, email: email, password: password)
            print("Created organisation \"\(organization.name)\" with Account Owner \(user.email).")
        } catch let error as AppError {
            FileHandle.standardError.write(Data("Cannot create the owner: \(error.message)\n".utf8))
            throw ExitCode(1)
        }
    }

    func verifyAudit(config: ServerConfig, logger: Logger) throws {
        let services = try LogstagServerRunner.openServices(config: config, logger: logger)
        defer { try? services.database.close() }
        var broken = false
        for orgID in try services.audit.organizationIDs() {
            let result = try services.audit.verify(orgID: orgID)
            let label = orgID.isEmpty ? "(no organisation)" : orgID
            if let seq = result.firstBrokenSeq {
                broken = true
                print("TAMPERED  organisation \(label): entry #\(seq) was edited or deleted (\(result.checked) entries before it verify)")
            } else {
                print("ok        organisation \(label): \(result.checked) entries verify")
            }
        }
        if broken { throw ExitCode(1) }
    }
}
