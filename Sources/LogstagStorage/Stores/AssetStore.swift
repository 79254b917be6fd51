import Foundation
import GRDB
import LogstagCore

/// Assets and their registration tokens, always within one organisation.
public struct AssetStore: Sendable {
    let db: AppDatabase

    public init(_ db: AppDatabase) { self.db = db }

    /// Inserts a new asset; `StorageError.duplicateName` when the name exists in any letter case.
    public func create(_ asset: Asset) throws {
        do {
            try db.writer.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO assets (id, org_id, name, name_key, engine, environment, owner_id, created_by, created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [asset.id, asset.orgID, asset.name, InstanceName.normalizedKey(asset.name), asset.engine.rawValue,
                                asset.environment.rawValue, asset.ownerID, asset.createdBy, asset.createdAt.unixTime,
                                asset.updatedAt.unixTime])
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw StorageError.duplicateName
        }
    }

    public func asset(orgID: String, id: String) throws -> Asset? {
        try db.writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM assets WHERE org_id = ? AND id = ?", arguments: [orgID, id]).map(Asset.init)
        }
    }

    /// One page of assets matching the query, ordered by name. Status filtering is done in SQL
    /// with the same 5-minute rule as `AssetStatusRule`.
    /// Every asset of the organisation, by name (the explorers' instance filter).
    public func all(orgID: String) throws -> [Asset] {
        try db.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM assets WHERE org_id = ? ORDER BY name_key", arguments: [orgID]).map(Asset.init)
        }
    }

    public func list(orgID: String, query: AssetQuery, now: Date) throws -> Page<Asset> {
        var clauses = ["org_id = ?"]
        var arguments: StatementArguments = [orgID]
        if let search = query.search?.trimmingCharacters(in: .whitespaces), !search.isEmpty {
            let pattern = "%" + search.lowercased()
                .replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_") + "%"
            // Engine display names ("SQL Server", "PostgreSQL") match as well as raw values.
            let engines = Engine.allCases.filter { $0.displayName.lowercased().contains(search.lowercased()) }
            var alternatives = ["name_key LIKE ? ESCAPE '\\'", "lower(COALESCE(host, '')) LIKE ? ESCAPE '\\'", "engine LIKE ? ESCAPE '\\'"]
            arguments += [pattern, pattern, pattern]
            if !engines.isEmpty {
                alternatives.append("engine IN (" + engines.map { _ in "?" }.joined(separator: ",") + ")")
                for engine in engines { arguments += [engine.rawValue] }
            }
            clauses.append("(" + alternatives.joined(separator: " OR ") + ")")
        }
        if let environment = query.environment {
            clauses.append("environment = ?")
            arguments += [environment.rawValue]
        }
        if let engine = query.engine {
            clauses.append("engine = ?")
            arguments += [engine.rawValue]
        }
        if let status = query.status {
            let fresh = "(last_seen_at IS NOT NULL AND last_seen_at >= ?)"
            switch status {
            case .connected: clauses.append("\(fresh) AND last_failure IS NULL AND prerequisite_failure IS NULL AND verified = 1")
            case .issues: clauses.append("\(fresh) AND (last_failure IS NOT NULL OR prerequisite_failure IS NOT NULL)")
            case .disconnected:
                clauses.append("NOT (\(fresh) AND (last_failure IS NOT NULL OR prerequisite_failure IS NOT NULL OR verified = 1))")
            }
            arguments += [now.unixTime - AssetStatusRule.staleAfter]
        }
        let whereSQL = clauses.joined(separator: " AND ")
        return try db.writer.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM assets WHERE \(whereSQL)", arguments: arguments) ?? 0
            var pageArguments = arguments
            pageArguments += [query.perPage, (query.page - 1) * query.perPage]
            let items = try Row.fetchAll(
                db, sql: "SELECT * FROM assets WHERE \(whereSQL) ORDER BY name_key LIMIT ? OFFSET ?", arguments: pageArguments
            ).map(Asset.init)
            return Page(items: items, total: total, page: query.page, perPage: query.perPage)
        }
    }

    /// Updates the user-editable fields (name, environment, owner).
    public func update(orgID: String, id: String, name: String, environment: AssetEnvironment, ownerID: String?, now: Date) throws {
        do {
            try db.writer.write { db in
                try db.execute(
                    sql: """
                        UPDATE assets SET name = ?, name_key = ?, environment = ?, owner_id = ?, updated_at = ?
                        WHERE org_id = ? AND id = ?
                        """,
                    arguments: [name, InstanceName.normalizedKey(name), environment.rawValue, ownerID, now.unixTime, orgID, id])
                guard db.changesCount == 1 else { throw StorageError.notFound }
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw StorageError.duplicateName
        }
    }

    /// Deletes the asset and, through foreign keys, its tokens, commands, snapshots and series.
    /// An agent left with no asset keeps its key (it may serve other targets); it can be revoked.
    public func delete(orgID: String, id: String) throws {
        try db.writer.write { db in
            try db.execute(sql: "DELETE FROM assets WHERE org_id = ? AND id = ?", arguments: [orgID, id])
            guard db.changesCount == 1 else { throw StorageError.notFound }
        }
    }

    // MARK: - Registration tokens

    /// Issues a new token for the asset and revokes any earlier unused one, atomically.
    public func issueToken(_ token: RegistrationToken, createdBy: String?) throws {
        try db.writer.write { db in
            try db.execute(
                sql: "UPDATE registration_tokens SET revoked_at = ? WHERE asset_id = ? AND org_id = ? AND used_at IS NULL AND revoked_at IS NULL",
                arguments: [token.createdAt.unixTime, token.assetID, token.orgID])
            try db.execute(
                sql: """
                    INSERT INTO registration_tokens (id, org_id, asset_id, token_hash, created_by, created_at, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [token.id, token.orgID, token.assetID, token.tokenHash, createdBy, token.createdAt.unixTime,
                            token.expiresAt.unixTime])
        }
    }

    /// The newest unused, unrevoked, unexpired token of an asset (its id and times only matter).
    public func activeToken(orgID: String, assetID: String, now: Date) throws -> RegistrationToken? {
        try db.writer.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT * FROM registration_tokens WHERE org_id = ? AND asset_id = ? AND used_at IS NULL
                    AND revoked_at IS NULL AND expires_at > ? ORDER BY created_at DESC LIMIT 1
                    """,
                arguments: [orgID, assetID, now.unixTime]
            ).map(RegistrationToken.init)
        }
    }

    /// A token by its public id, in any state: redemption checks state and answers precisely.
    public func token(id: String) throws -> RegistrationToken? {
        try db.writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM registration_tokens WHERE id = ?", arguments: [id]).map(RegistrationToken.init)
        }
    }

}
