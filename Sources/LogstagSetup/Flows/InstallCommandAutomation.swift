import Foundation
import LogstagAgent
import LogstagCore

/// The non-interactive install-command flow (`--print-install-command`), for scripts.
///
/// Contract: asks nothing. Every answer comes from flags (hosting, connection and OS default to
/// the wizard's self-hosted / direct / Linux), the server from `--server` or `LOGSTAG_SERVER`,
/// the API key from `LOGSTAG_API_KEY_FILE` or `LOGSTAG_API_KEY`. All flags are checked before
/// the server is contacted. Standard output gets the install command on one line and, only
/// with `--show-token`, the registration token on the next; notes go to standard error. With
/// `--token-file` the token is written to that file (0600, atomically) instead of being shown.
/// A token is generated only with `--show-token` or `--token-file`. Exit 1 names the flag (or
/// variable) at fault; exit 2 is a server or network failure.
struct InstallCommandAutomation {
    let terminal: any Terminal
    let arguments: SetupArguments
    let environment: [String: String]
    let transport: any HTTPTransport

    /// The flags, checked before anything is sent.
    struct Plan {
        var server: ServerURL
        var key: APIKeySource
        var assetID: String?
        var newAsset: (engine: Engine, name: String, environment: AssetEnvironment, ownerEmail: String?)?
        var choice: SetupChoice
    }

    func run() throws(SetupStop) {
        let plan = try Self.plan(arguments: arguments, environment: environment)
        let session = try SignIn.automated(server: plan.server, key: plan.key, transport: transport)
        let asset = try resolveAsset(plan, session: session)
        let command = try session.call { client throws(SetupAPIError) in try client.installCommand(assetID: asset.id, choice: plan.choice) }
        terminal.write(command.command + "\n")
        guard arguments.showToken || arguments.tokenFile != nil else {
            terminal.writeError("No registration token was generated; add --show-token or --token-file to get one.\n")
            return
        }
        let token = try session.call { client throws(SetupAPIError) in try client.issueRegistrationToken(assetID: asset.id) }
        if let path = arguments.tokenFile {
            try InterruptGuard.commit { () throws(SetupStop) in try PrivateFile.write(token.token + "\n", to: path, flag: "--token-file") }
            terminal.writeError("Wrote the registration token for \"\(asset.name)\" to \(path) (mode 0600; valid until \(InstallCommandFlow.display(token.expiresAt)), single use).\n")
        }
        if arguments.showToken {
            terminal.write(token.token + "\n")
            terminal.writeError("The registration token is shown once; valid until \(InstallCommandFlow.display(token.expiresAt)), single use.\n")
        }
        terminal.writeError(InstallCommand.tokenNote(for: plan.choice.os) + "\n")
    }

    private func resolveAsset(_ plan: Plan, session: SignedIn) throws(SetupStop) -> AssetResource {
        if let id = plan.assetID {
            do {
                return try session.client.asset(id: id)
            } catch {
                if error.status == 404 { throw .user("--asset: there is no asset with id \(id.prefix(64)) in \(session.organizationName).") }
                throw SetupStop(exitCode: error.exitCode, message: error.explanation(server: plan.server.text))
            }
        }
        guard let new = plan.newAsset else { throw .user("Give --asset ID or --create-asset.") }
        var ownerID: String?
        if let email = new.ownerEmail {
            let members = try session.call { client throws(SetupAPIError) in try client.members() }
            do { ownerID = try AssetCreator.memberID(for: email, among: members, organization: session.organizationName) } catch {
                throw .user("--owner: \(error.message)")
            }
        }
        do {
            let asset = try session.client.createAsset(engine: new.engine, name: new.name, environment: new.environment, ownerID: ownerID)
            terminal.writeError("Created asset \"\(asset.name)\" (id \(asset.id)).\n")
            return asset
        } catch {
            if case .rejected(_, let code, let message) = error, code == "duplicate_name" || code == "invalid_name" {
                throw .user("--asset-name: \(message)")
            }
            throw SetupStop(exitCode: error.exitCode, message: error.explanation(server: plan.server.text))
        }
    }

    /// Checks every flag and the environment, naming the first one that is wrong.
    static func plan(arguments: SetupArguments, environment: [String: String]) throws(SetupStop) -> Plan {
        guard let rawServer = arguments.server ?? environment["LOGSTAG_SERVER"], !rawServer.isEmpty else {
            throw .user("--print-install-command needs the server: add --server https://... (or set LOGSTAG_SERVER).")
        }
        let server: ServerURL
        do { server = try ServerURL.parse(rawServer) } catch {
            throw .user("\(arguments.server != nil ? "--server" : "LOGSTAG_SERVER"): \(error.message)")
        }
        guard let key = try APIKeySource.resolve(environment: environment) else {
            throw .user(
                "--print-install-command needs an API key in LOGSTAG_API_KEY_FILE (a file holding the key) or LOGSTAG_API_KEY; keys are never taken from the command line.")
        }
        var plan = Plan(server: server, key: key, choice: SetupChoice())
        switch (arguments.assetID, arguments.createAsset) {
        case (.some, true):
            throw .user("Give either --asset ID or --create-asset, not both.")
        case (nil, false):
            throw .user("--print-install-command needs --asset ID (an existing asset) or --create-asset with --engine and --asset-name.")
        case (.some(let id), false):
            let createOnly = [("--engine", arguments.engine), ("--asset-name", arguments.assetName), ("--environment", arguments.environment), ("--owner", arguments.owner)]
            if let flag = createOnly.first(where: { $0.1 != nil })?.0 { throw .user("\(flag) only applies with --create-asset, not with --asset.") }
            guard !id.trimmingWhitespace.isEmpty else { throw .user("--asset needs the asset's id.") }
            plan.assetID = id.trimmingWhitespace
        case (nil, true):
            guard let rawEngine = arguments.engine else { throw .user("--create-asset needs --engine (one of \(Engine.allCases.map(\.rawValue).joined(separator: ", "))).") }
            let engine = try SetupMenus.flagValue(rawEngine, flag: "--engine", in: SetupMenus.engines)
            guard let rawName = arguments.assetName else { throw .user("--create-asset needs --asset-name (3-100 characters, unique in the organisation).") }
            let name: String
            do { name = try InstanceName.validate(rawName) } catch { throw .user("--asset-name: \(error.message)") }
            var assetEnvironment = AssetEnvironment.defaultValue
            if let raw = arguments.environment { assetEnvironment = try SetupMenus.flagValue(raw, flag: "--environment", in: SetupMenus.environments) }
            var owner: String?
            if let raw = arguments.owner {
                do { owner = try EmailAddress.validate(raw) } catch { throw .user("--owner: \(error.message)") }
            }
            plan.newAsset = (engine, name, assetEnvironment, owner)
        }
        if let raw = arguments.hosting { plan.choice.hosting = try SetupMenus.flagValue(raw, flag: "--hosting", in: SetupMenus.hostings) }
        if let raw = arguments.connection { plan.choice.connection = try SetupMenus.flagValue(raw, flag: "--connection", in: SetupMenus.connections) }
        if let raw = arguments.os { plan.choice.os = try SetupMenus.flagValue(raw, flag: "--os", in: SetupMenus.operatingSystems) }
        if let path = arguments.tokenFile, path.trimmingWhitespace.isEmpty { throw .user("--token-file needs a file path.") }
        return plan
    }
}
