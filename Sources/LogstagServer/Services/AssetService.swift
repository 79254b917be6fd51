import Foundation
import LogstagCore
import LogstagStorage

/// The rules for assets (monitored instances): registration, editing, setup, tokens and
/// connection tests. Every call is scoped to the caller's organisation.
struct AssetService: Sendable {
    let services: AppServices

    static let tokenLifetime: TimeInterval = 24 * 3600

    struct Draft {
        var engine: String?
        var name: String?
        var environment: String?
        var ownerID: String?
    }

    func create(identity: Identity, draft: Draft) throws -> Asset {
        try identity.require(.manageDatabases)
        guard let rawEngine = draft.engine, !rawEngine.isEmpty else {
            throw AppError(.unprocessableContent, "invalid_engine", "Choose an engine: \(Engine.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        guard let engine = Engine(rawValue: rawEngine.lowercased()) else {
            throw AppError(.unprocessableContent, "invalid_engine",
                           "Unknown engine \"\(rawEngine.prefix(40))\"; use one of \(Engine.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        let name = try validated { try InstanceName.validate(draft.name ?? "") }
        let environment = try parseEnvironment(draft.environment) ?? .defaultValue
        let ownerID = try resolveOwner(identity: identity, draft.ownerID) ?? identity.user?.id
        let now = services.clock()
        let asset = Asset(
            id: IDGenerator.make(), orgID: identity.orgID, name: name, engine: engine, environment: environment, ownerID: ownerID,
            createdBy: identity.user?.id, createdAt: now)
        do { try services.assets.create(asset) } catch let error as StorageError { throw AppError.from(error) }
        return asset
    }

    func parseEnvironment(_ raw: String?) throws -> AssetEnvironment? {
        guard let raw, !raw.isEmpty else { return nil }
        guard let environment = AssetEnvironment.allCases.first(where: { $0.rawValue.lowercased() == raw.lowercased() }) else {
            throw AppError(.unprocessableContent, "invalid_environment",
                           "Unknown environment \"\(raw.prefix(40))\"; use one of \(AssetEnvironment.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return environment
    }

    /// An owner must be a member of the caller's organisation; "" means "no change / default".
    func resolveOwner(identity: Identity, _ raw: String?) throws -> String? {
        guard let raw, !raw.isEmpty else { return nil }
        guard try services.accounts.role(orgID: identity.orgID, userID: raw) != nil else {
            throw AppError(.unprocessableContent, "invalid_owner", "The owner must be a member of this organisation.")
        }
        return raw
    }

    func get(identity: Identity, id: String) throws -> Asset {
        try identity.require(.manageDatabases)
        guard let asset = try services.assets.asset(orgID: identity.orgID, id: id) else { throw AppError.notFound("asset") }
        return asset
    }

    func list(identity: Identity, query: AssetQuery) throws -> Page<Asset> {
        try identity.require(.manageDatabases)
        return try services.assets.list(orgID: identity.orgID, query: query, now: services.clock())
    }

    /// Edits name, environment and owner. Engine, server, port, version and health come from the
    /// agent and are refused here.
    func update(identity: Identity, id: String, draft: Draft, readOnlyFields: [String] = []) throws -> Asset {
        try identity.require(.manageDatabases)
        if let field = readOnlyFields.first {
            throw AppError(.unprocessableContent, "read_only_field", "\"\(field)\" is reported by the agent and cannot be edited.")
        }
        var asset = try get(identity: identity, id: id)
        if let name = draft.name { asset.name = try validated { try InstanceName.validate(name) } }
        if let environment = try parseEnvironment(draft.environment) { asset.environment = environment }
        if let owner = draft.ownerID { asset.ownerID = owner.isEmpty ? identity.user?.id ?? asset.ownerID : try resolveOwner(identity: identity, owner) }
        do {
            try services.assets.update(
                orgID: identity.orgID, id: id, name: asset.name, environment: asset.environment, ownerID: asset.ownerID, now: services.clock())
        } catch let error as StorageError {
            throw AppError.from(error)
        }
        return try get(identity: identity, id: id)
    }

    func delete(identity: Identity, id: String) throws {
        try identity.require(.manageDatabases)
        do { try services.assets.delete(orgID: identity.orgID, id: id) } catch let error as StorageError { throw AppError.from(error) }
    }

    // MARK: - Setup

    struct SetupChoice {
        var hosting: Hosting = .selfHosted
        var os: OperatingSystem = .linux
        var connection: ConnectionType = .direct
    }

    func parseChoice(hosting: String?, os: String?, connection: String?) throws -> SetupChoice {
        var choice = SetupChoice()
        if let hosting, !hosting.isEmpty {
            guard let value = Hosting(rawValue: hosting) else {
                throw AppError(.unprocessableContent, "invalid_hosting", "Unknown hosting \"\(hosting.prefix(40))\".")
            }
            choice.hosting = value
        }
        if let os, !os.isEmpty {
            guard let value = OperatingSystem(rawValue: os) else {
                throw AppError(.unprocessableContent, "invalid_os", "Operating system must be linux or windows.")
            }
            choice.os = value
        }
        if let connection, !connection.isEmpty {
            guard let value = ConnectionType(rawValue: connection) else {
                throw AppError(.unprocessableContent, "invalid_connection", "Connection type must be direct or bridged.")
            }
            choice.connection = value
        }
        return choice
    }

    func installCommand(asset: Asset, choice: SetupChoice) throws -> String {
        try validated {
            try InstallCommand.make(
                serverURL: services.config.baseURL, hosting: choice.hosting, os: choice.os, connection: choice.connection,
                assetID: asset.id, engine: asset.engine)
        }
    }

    /// Issues a registration token (24 h, single use); the previous one stops working.
    func issueToken(identity: Identity, assetID: String) throws -> (raw: String, token: RegistrationToken) {
        let asset = try get(identity: identity, id: assetID)
        let raw = TokenFormat.generate(.registration)
        let now = services.clock()
        let token = RegistrationToken(
            id: raw.id, orgID: asset.orgID, assetID: asset.id, tokenHash: services.tokenHash(raw.raw), createdAt: now,
            expiresAt: now.addingTimeInterval(Self.tokenLifetime))
        try services.assets.issueToken(token, createdBy: identity.user?.id)
        return (raw.raw, token)
    }

    // MARK: - Connection tests

    func requestConnectionTest(identity: Identity, assetID: String) throws -> String {
        let asset = try get(identity: identity, id: assetID)
        let id = try services.agents.enqueue(
            orgID: asset.orgID, assetID: asset.id, kind: CommandKind.connectionTest.rawValue, requestedBy: identity.user?.id,
            now: services.clock())
        services.commandSignal.bump()
        return id
    }

    func connectionTest(identity: Identity, assetID: String, testID: String) throws -> AgentCommandRecord {
        _ = try get(identity: identity, id: assetID)
        try services.agents.expireCommands(now: services.clock())
        guard let command = try services.agents.command(orgID: identity.orgID, assetID: assetID, id: testID),
              command.kind == CommandKind.connectionTest.rawValue
        else { throw AppError.notFound("connection test") }
        return command
    }
}
