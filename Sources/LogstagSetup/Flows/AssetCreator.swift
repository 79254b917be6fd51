import LogstagCore

/// Creating an asset from the prompt: engine, name, environment and optional owner, validated
/// with the same LogstagCore rules as the web wizard, then `POST /api/v1/assets`.
///
/// Contract: answers given as flags are used without asking when valid, and reported and
/// asked again when not. The name is checked locally (`InstanceName`) and against the
/// organisation's existing names (case-insensitive) before anything is created; if the server
/// still refuses the name (a race, a rule added later) its message is shown and the name is
/// asked again. The owner is a member's e-mail address, resolved to the member's id; empty
/// leaves the server's default (the person who creates it, none for an API key).
struct AssetCreator {
    let prompter: Prompter
    let session: SignedIn
    var presetEngine: String?
    var presetName: String?
    var presetEnvironment: String?
    var presetOwner: String?

    func create() throws(SetupStop) -> AssetResource {
        prompter.say()
        prompter.say("New asset in \(session.organizationName)")
        let engine = try engine()
        if !SetupMenus.enginesWithCollectors.contains(engine) {
            prompter.say("  Note: the agent does not collect from \(engine.displayName) yet; the asset is registered now and monitored once its collectors ship.")
        }
        var name = try name(preset: presetName)
        let environment = try environment()
        let ownerID = try owner()
        while true {
            let chosenName = name
            do {
                let asset = try session.client.createAsset(engine: engine, name: chosenName, environment: environment, ownerID: ownerID)
                prompter.say("Created asset \"\(asset.name)\" (id \(asset.id)).")
                return asset
            } catch {
                if case .rejected(_, let code, let message) = error, code == "duplicate_name" || code == "invalid_name" {
                    prompter.refuse(message)
                    name = try self.name(preset: nil)
                    continue
                }
                throw SetupStop(exitCode: error.exitCode, message: error.explanation(server: session.client.server.text))
            }
        }
    }

    private func engine() throws(SetupStop) -> Engine {
        if let presetEngine {
            do { return try SetupMenus.flagValue(presetEngine, flag: "--engine", in: SetupMenus.engines) } catch { prompter.refuse(error.message) }
        }
        return try prompter.choose("Database engine:", SetupMenus.engines, default: 0)
    }

    private func name(preset: String?) throws(SetupStop) -> String {
        var candidate = preset
        while true {
            let typed: String
            if let candidate { typed = candidate } else {
                typed = try prompter.askText("Instance name (\(InstanceName.lengthLimits.lowerBound)-\(InstanceName.lengthLimits.upperBound) characters, unique in \(session.organizationName))")
            }
            candidate = nil
            let name: String
            do {
                name = try InstanceName.validate(typed)
            } catch {
                prompter.refuse(error.message)
                continue
            }
            if let existing = try existingAsset(named: name) {
                prompter.refuse("An asset named \"\(existing.name)\" already exists in \(session.organizationName) (names ignore letter case); choose another name.")
                continue
            }
            return name
        }
    }

    /// The asset whose name equals `name` without regard to case, if any.
    private func existingAsset(named name: String) throws(SetupStop) -> AssetResource? {
        let key = InstanceName.normalizedKey(name)
        let page = try session.call { client throws(SetupAPIError) in try client.assets(search: name, page: 1, perPage: 200) }
        return page.items.first { InstanceName.normalizedKey($0.name) == key }
    }

    private func environment() throws(SetupStop) -> AssetEnvironment {
        if let presetEnvironment {
            do { return try SetupMenus.flagValue(presetEnvironment, flag: "--environment", in: SetupMenus.environments) } catch {
                prompter.refuse(error.message)
            }
        }
        let defaultIndex = AssetEnvironment.allCases.firstIndex(of: .defaultValue)
        return try prompter.choose("Environment:", SetupMenus.environments, default: defaultIndex)
    }

    private func owner() throws(SetupStop) -> String? {
        let members: [MemberResource]
        do {
            members = try session.client.members()
        } catch {
            guard error.status == 403 else { throw SetupStop(exitCode: error.exitCode, message: error.explanation(server: session.client.server.text)) }
            prompter.say("  (This key may not list members, so the server's default owner is used.)")
            return nil
        }
        var candidate = presetOwner
        let fallback = session.me.user.map { "Enter for yourself, \($0.email)" } ?? "Enter for none"
        while true {
            let typed: String
            if let candidate { typed = candidate } else { typed = try prompter.askText("Owner's e-mail address (optional; \(fallback))", optional: true) }
            candidate = nil
            if typed.isEmpty { return nil }
            do {
                return try Self.memberID(for: typed, among: members, organization: session.organizationName)
            } catch {
                prompter.refuse(error.message)
            }
        }
    }

    /// The id of the member with this e-mail address.
    static func memberID(for email: String, among members: [MemberResource], organization: String) throws(AnswerProblem) -> String {
        let address: String
        do { address = try EmailAddress.validate(email) } catch { throw AnswerProblem(error.message) }
        guard let member = members.first(where: { $0.email.lowercased() == address }) else {
            throw AnswerProblem("No member of \(organization) has the address \(address); type a member's address, or press Enter to skip.")
        }
        return member.userID
    }
}
