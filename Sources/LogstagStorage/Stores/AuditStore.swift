import Foundation
import GRDB
import LogstagCore

/// The append-only, hash-chained audit log.
///
/// Per organisation, entry n stores `hash_n = SHA-256(canonical(entry_n))`, and the canonical
/// text includes `hash_{n-1}`. Editing any field, deleting an entry anywhere (the per-org
/// head records the last sequence number), or re-ordering breaks verification at that sequence
/// number. Retention deletes whole prefixes
/// and records the last deleted hash as the anchor the remaining chain starts from.
public struct AuditStore: Sendable {
    let db: AppDatabase
    let hash: @Sendable (String) -> String

    /// - Parameter hash: SHA-256 hex of a UTF-8 string (the server passes OpenSSL's).
    public init(_ db: AppDatabase, hash: @escaping @Sendable (String) -> String) {
        self.db = db
        self.hash = hash
    }

    /// Appends an entry at the end of its organisation's chain.
    public func append(_ entry: AuditEntry) throws {
        try db.writer.write { db in
            var entry = entry
            let last = try Row.fetchOne(
                db, sql: "SELECT seq, hash FROM audit_log WHERE org_id = ? ORDER BY seq DESC LIMIT 1", arguments: [entry.orgID])
            let anchor = try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit_anchors WHERE org_id = ?", arguments: [entry.orgID])
            let previous = last ?? anchor
            entry.seq = (previous?["seq"] as Int? ?? 0) + 1
            entry.prevHash = previous?["hash"] ?? ""
            entry.hash = hash(entry.canonicalLine)
            try db.execute(
                sql: """
                    INSERT INTO audit_log (org_id, seq, at, user_id, user_email, role, method, route, action, entity_type, entity_id,
                    status, duration_ms, client_ip, user_agent, body, prev_hash, hash)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    entry.orgID, entry.seq, Double(String(format: "%.6f", entry.at.timeIntervalSince1970)), entry.userID,
                    entry.userEmail, entry.role, entry.method, entry.route, entry.action, entry.entityType, entry.entityID,
                    entry.status, Double(String(format: "%.3f", entry.durationMs)), entry.clientIP, entry.userAgent, entry.body,
                    entry.prevHash, entry.hash,
                ])
            try db.execute(
                sql: "INSERT OR REPLACE INTO audit_heads (org_id, seq, hash) VALUES (?, ?, ?)",
                arguments: [entry.orgID, entry.seq, entry.hash])
        }
    }

    /// Entries of one organisation matching the filters, newest first.
    public func list(orgID: String, query: AuditQuery) throws -> Page<AuditEntry> {
        var clauses = ["org_id = ?", "at >= ?", "at <= ?"]
        var arguments: StatementArguments = [orgID, query.from.unixTime, query.to.unixTime]
        func like(_ column: String, _ value: String?) {
            guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return }
            clauses.append("\(column) LIKE ?")
            arguments += ["%" + value + "%"]
        }
        like("COALESCE(user_email, '')", query.user)
        like("route", query.route)
        like("(COALESCE(entity_type, '') || ' ' || COALESCE(entity_id, ''))", query.entity)
        if let method = query.method, !method.isEmpty {
            clauses.append("method = ?")
            arguments += [method.uppercased()]
        }
        if let status = query.status {
            clauses.append("status = ?")
            arguments += [status]
        }
        let whereSQL = clauses.joined(separator: " AND ")
        return try db.writer.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit_log WHERE \(whereSQL)", arguments: arguments) ?? 0
            var pageArguments = arguments
            pageArguments += [query.perPage, (query.page - 1) * query.perPage]
            let items = try Row.fetchAll(
                db, sql: "SELECT * FROM audit_log WHERE \(whereSQL) ORDER BY seq DESC LIMIT ? OFFSET ?", arguments: pageArguments
            ).map(AuditEntry.init)
            return Page(items: items, total: total, page: query.page, perPage: query.perPage)
        }
    }

    /// Re-computes the organisation's chain from its anchor and reports the first entry that does
    /// not match (edited content, a changed hash, or a missing sequence number).
    public func verify(orgID: String) throws -> AuditVerification {
        try db.writer.read { db in
            let anchor = try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit_anchors WHERE org_id = ?", arguments: [orgID])
            var expectedSeq = (anchor?["seq"] as Int? ?? 0) + 1
            var previousHash: String = anchor?["hash"] ?? ""
            var checked = 0
            let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM audit_log WHERE org_id = ? ORDER BY seq", arguments: [orgID])
            while let row = try cursor.next() {
                let entry = AuditEntry(row: row)
                var recomputed = entry
                recomputed.prevHash = previousHash
                if entry.seq != expectedSeq || entry.prevHash != previousHash || hash(recomputed.canonicalLine) != entry.hash {
                    return AuditVerification(orgID: orgID, checked: checked, firstBrokenSeq: min(entry.seq, expectedSeq))
                }
                previousHash = entry.hash
                expectedSeq += 1
                checked += 1
            }
            // Entries deleted from the end leave the head pointing past the chain.
            if let head = try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit_heads WHERE org_id = ?", arguments: [orgID]),
               head["seq"] as Int != expectedSeq - 1 || head["hash"] as String != previousHash
            {
                return AuditVerification(orgID: orgID, checked: checked, firstBrokenSeq: expectedSeq)
            }
            return AuditVerification(orgID: orgID, checked: checked, firstBrokenSeq: nil)
        }
    }

    /// Every organisation that has audit entries (including '' for pre-login events).
    public func organizationIDs() throws -> [String] {
        try db.writer.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT org_id FROM audit_log ORDER BY org_id") }
    }

    /// Deletes entries older than the cutoff, keeping the chain verifiable from a new anchor.
    public func purge(olderThan cutoff: Date) throws {
        try db.writer.write { db in
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT org_id, MAX(seq) AS seq FROM audit_log WHERE at < ? GROUP BY org_id",
                arguments: [cutoff.unixTime])
            for row in rows {
                let orgID: String = row["org_id"]
                let seq: Int = row["seq"]
                let lastHash = try String.fetchOne(
                    db, sql: "SELECT hash FROM audit_log WHERE org_id = ? AND seq = ?", arguments: [orgID, seq])!
                try db.execute(
                    sql: "INSERT OR REPLACE INTO audit_anchors (org_id, seq, hash) VALUES (?, ?, ?)", arguments: [orgID, seq, lastHash])
                try db.execute(sql: "DELETE FROM audit_log WHERE org_id = ? AND seq <= ?", arguments: [orgID, seq])
            }
        }
    }
}
