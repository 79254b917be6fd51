import Foundation
import LogstagAgent
import LogstagCore

/// The interactive install-command flow (run from any terminal): sign in, pick or create an
/// asset, choose hosting, connection type and operating system, then generate the
/// registration token and print the one-line install command.
///
/// Contract: nothing changes on the server before the person confirms (creating an asset and
/// generating a token are the only changes, each announced first); the token is printed once,
/// with a warning, and never written to a file. The install command is the server's own
/// (`GET /api/v1/assets/{id}/install-command`), so it matches the web wizard exactly.
struct InstallCommandFlow {
    let prompter: Prompter
    let arguments: SetupArguments
    let environment: [String: String]
    let transport: any HTTPTransport

    func run() throws(SetupStop) {
        prompter.say("Logstag setup: registration token and install command for a database instance.")
        prompter.say("Press Ctrl-C at any time to cancel; nothing is changed until you confirm.")
        prompter.say()
        let presetKey = try APIKeySource.resolve(environment: environment)
        let session = try SignIn(prompter: prompter, transport: transport)
            .interactive(presetServer: arguments.server ?? environment["LOGSTAG_SERVER"], presetKey: presetKey)
        prompter.say("Signed in to \(session.organizationName) as \(session.actorDescription).")

        let asset = try chooseAsset(session: session)
        let choice = try chooseSetup()

        let command = try session.call { client throws(SetupAPIError) in try client.installCommand(assetID: asset.id, choice: choice) }
        prompter.say()
        prompter.say("A registration token lets one agent enrol this asset. It is valid for 24 hours, works once,")
        prompter.say("and generating it makes any earlier token of \"\(asset.name)\" stop working.")
        guard try prompter.confirm("Generate the registration token now?", default: true) else {
            printInstallCommand(command.command, choice: choice)
            prompter.say("No token was generated. Generate one later with logstag --mode setup, or from the asset's page in the web UI.")
            return
        }
        let token = try session.call { client throws(SetupAPIError) in try client.issueRegistrationToken(assetID: asset.id) }
        printInstallCommand(command.command, choice: choice)
        prompter.say()
        prompter.say("Registration token (shown only this once; valid until \(Self.display(token.expiresAt)), single use):")
        prompter.say()
        prompter.say("    \(token.token)")
        prompter.say()
        prompter.say("Treat it like a password: paste it only into the installer's prompt on the database host. \(InstallCommand.tokenNote(for: choice.os))")
    }

    private func chooseAsset(session: SignedIn) throws(SetupStop) -> AssetResource {
        let creator = AssetCreator(
            prompter: prompter, session: session, presetEngine: arguments.engine, presetName: arguments.assetName,
            presetEnvironment: arguments.environment, presetOwner: arguments.owner)
        if let id = arguments.assetID {
            do {
                let asset = try session.client.asset(id: id)
                prompter.say("Asset \"\(asset.name)\" (\(asset.engineKind?.displayName ?? asset.engine), \(asset.environment)).")
                return asset
            } catch {
                guard error.status == 404 else { throw SetupStop(exitCode: error.exitCode, message: error.explanation(server: session.client.server.text)) }
                prompter.refuse("--asset: there is no asset with id \(id.prefix(64)) in \(session.organizationName); pick one from the list.")
            }
        }
        if arguments.createAsset { return try creator.create() }
        return try AssetPicker(prompter: prompter, session: session).pickOrCreate(creator: creator)
    }

    private func chooseSetup() throws(SetupStop) -> SetupChoice {
        prompter.say()
        var choice = SetupChoice()
        choice.hosting = try pick(arguments.hosting, flag: "--hosting", "Where does the database run?", SetupMenus.hostings)
        choice.connection = try pick(arguments.connection, flag: "--connection", "Connection type:", SetupMenus.connections)
        choice.os = try pick(arguments.os, flag: "--os", "Operating system of the agent host:", SetupMenus.operatingSystems)
        return choice
    }

    /// The flag's value when it is given and valid; otherwise (after saying why) the menu.
    private func pick<T>(_ raw: String?, flag: String, _ title: String, _ options: [MenuOption<T>]) throws(SetupStop) -> T {
        if let raw {
            do { return try SetupMenus.flagValue(raw, flag: flag, in: options) } catch { prompter.refuse(error.message) }
        }
        return try prompter.choose(title, options, default: 0)
    }

    private func printInstallCommand(_ command: String, choice: SetupChoice) {
        prompter.say()
        prompter.say("Install command (\(choice.os.displayName), \(choice.hosting.displayName), \(choice.connection.displayName)); run it on the agent host:")
        prompter.say()
        prompter.say("    \(command)")
    }

    static func display(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
