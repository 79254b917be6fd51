import Foundation
import GRDB
import LogstagCore

/// One audit record: who did what, when, from where, and how it ended.
public struct AuditEntry: Sendable, Equatable {
    public var orgID: String
    public var seq: Int = 0
    public var at: Date
    public var userID: String?
    public var userEmail: String?
    public var role: String?
    public var method: String
    public var route: String
    public var action: String
    public var entityType: String?
    public var entityID: String?
    public var status: Int
    public var durationMs: Double
    public var clientIP: String?
    public var userAgent: String?
    public var body: String?
    public var prevHash: String = ""
    public var hash: String = ""

    public init(orgID: String, at: Date, userID: String?, userEmail: String?, role: String?, method: String, route: String,
                action: String, entityType: String?, entityID: String?, status: Int, durationMs: Double, clientIP: String?,
                userAgent: String?, body: String?) {
        self.orgID = orgID
        self.at = at
        self.userID = userID
        self.userEmail = userEmail
        self.role = role
        self.method = method
        self.route = route
        self.action = action
        self.entityType = entityType
        self.entityID = entityID
        self.status = status
        self.durationMs = durationMs
        self.clientIP = clientIP
        self.userAgent = userAgent
        self.body = body
    }

    init(row: Row) {
        self.init(
            orgID: row["org_id"], at: row.date("at")!, userID: row["user_id"], userEmail: row["user_email"], role: row["role"],
            method: row["method"], route: row["route"], action: row["action"], entityType: row["entity_type"],
            entityID: row["entity_id"], status: row["status"], durationMs: row["duration_ms"], clientIP: row["client_ip"],
            userAgent: row["user_agent"], body: row["body"])
        seq = row["seq"]
        prevHash = row["prev_hash"]
        hash = row["hash"]
    }

    /// The exact text the chain hash covers: every stored field except the hash itself.
    /// Times are written with microsecond precision so the text survives a REAL round trip.
    var canonicalLine: String {
        AuditCanonical.canonicalLine(fields: [
            ("org", orgID), ("seq", String(seq)), ("at", String(format: "%.6f", at.timeIntervalSince1970)),
            ("user", userID ?? ""), ("email", userEmail ?? ""), ("role", role ?? ""), ("method", method), ("route", route),
            ("action", action), ("entity_type", entityType ?? ""), ("entity_id", entityID ?? ""), ("status", String(status)),
            ("duration_ms", String(format: "%.3f", durationMs)), ("ip", clientIP ?? ""), ("ua", userAgent ?? ""),
            ("body", body ?? ""), ("prev", prevHash),
        ])
    }
}

/// Filters for the audit list; the default window is the last 24 hours.
public struct AuditQuery: Sendable {
    public var from: Date
    public var to: Date
    public var user: String?
    public var method: String?
    public var route: String?
    public var entity: String?
    public var status: Int?
    public var page: Int
    public var perPage: Int

    public init(from: Date, to: Date, user: String? = nil, method: String? = nil, route: String? = nil, entity: String? = nil,
                status: Int? = nil, page: Int = 1, perPage: Int = 50) {
        self.from = from
        self.to = to
        self.user = user
        self.method = method
        self.route = route
        self.entity = entity
        self.status = status
        self.page = max(1, page)
        self.perPage = min(max(1, perPage), 500)
    }
}

/// The result of checking an organisation's chain.
public struct AuditVerification: Sendable, Equatable {
    public let orgID: String
    public let checked: Int
    /// The sequence number of the first entry that does not verify (edited, or a gap where one was deleted).
    public let firstBrokenSeq: Int?

    public var ok: Bool { firstBrokenSeq == nil }
}
