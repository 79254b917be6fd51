import Foundation
import GRDB

/// Organisation-scoped API keys. Only keyed hashes are stored; the key is shown once.
public struct APIKeyStore: Sendable {
    let db: AppDatabase

    public init(_ db: AppDatabase) { self.db = db }

    public func create(_ key: APIKey) throws {
        try db.writer.write { db in
            try db.execute(
                sql: "INSERT INTO api_keys (id, org_id, name, key_hash, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [key.id, key.orgID, key.name, key.keyHash, key.createdBy, key.createdAt.unixTime])
        }
    }

    /// Looks a key up by its public id, across organisations: this is how a Bearer key finds its
    /// organisation. Callers compare the hash in constant time and check `revokedAt`.
    public func key(id: String) throws -> APIKey? {
        try db.writer.read { db in try Row.fetchOne(db, sql: "SELECT * FROM api_keys WHERE id = ?", arguments: [id]).map(APIKey.init) }
    }

    public func list(orgID: String) throws -> [APIKey] {
        try db.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM api_keys WHERE org_id = ? ORDER BY created_at DESC", arguments: [orgID])
                .map(APIKey.init)
        }
    }

    public func revoke(orgID: String, id: String, now: Date) throws {
        try db.writer.write { db in
            try db.execute(
                sql: "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE org_id = ? AND id = ?",
                arguments: [now.unixTime, orgID, id])
            guard db.changesCount == 1 else { throw StorageError.notFound }
        }
    }

    /// Records use at most once a minute per key, so API traffic does not turn into writes.
    public func touch(id: String, now: Date) throws {
        try db.writer.write { db in
            try db.execute(
                sql: "UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)",
                arguments: [now.unixTime, id, now.unixTime - 60])
        }
    }
}
