import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LogstagCore
import NIOCore

@testable import LogstagServer

/// Speaks the agent side of the wire contract over the test client, the way the real agent will.
struct AgentSimulator {
    let client: any TestClientProtocol
    var key: String?

    init(client: any TestClientProtocol) { self.client = client }

    /// Enrolls with a registration token (and the agent key, when binding a second asset).
    @discardableResult
    mutating func enroll(token: String, engine: Engine = .postgresql, target: String = "orders", useKey: Bool = false) async throws -> TestResponse {
        let request = EnrollmentRequest(
            registrationToken: token, hostname: "db-host-1", agentVersion: "0.1.0", targetName: target, engine: engine, host: "10.0.0.5",
            port: 5432, platform: "self-hosted")
        var headers: HTTPFields = [.contentType: "application/json"]
        if useKey, let key { headers[.authorization] = "Bearer \(key)" }
        let response = try await client.execute(
            uri: "/api/v1/agent/enroll", method: .post, headers: headers, body: ByteBuffer(bytes: try WireCoding.encoder().encode(request)))
        if response.status == .created, let agentKey = response.json["agent_key"] as? String { key = agentKey }
        return response
    }

    /// A typical batch for one asset: one ok signal with `rows` rows, plus optional extra signals.
    static func batch(assetID: String, batchID: String = "batch-\(UUID().uuidString)", at: Date, rows: Int = 3,
                      status: TargetStatus = TargetStatus(ok: true), extra: [SignalPayload] = []) -> IngestBatch {
        let sessions = SignalPayload(
            name: "sessions", status: .ok, durationMs: 2.5,
            rows: (0..<rows).map { i in
                ["tag_database": .string("app\(i)"), "tag_state": .string("active"), "count": .number(Double(i + 1)), "max_duration_s": .number(0.5)]
            })
        let payload = TargetPayload(
            assetID: assetID, targetName: "orders", tier: .high, collectedAt: at,
            instance: InstanceInfo(host: "10.0.0.5", port: 5432, version: "15.18", platform: "self-hosted", databaseName: "orders"),
            targetStatus: status, signals: [sessions] + extra)
        return IngestBatch(batchID: batchID, agentVersion: "0.1.0", hostname: "db-host-1", sentAt: at, payloads: [payload])
    }

    /// Posts raw bytes to the ingest endpoint.
    func ingest(body: [UInt8], key idempotencyKey: String? = "key-\(UUID().uuidString)", gzip: Bool = true,
                extraHeaders: HTTPFields = [:]) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json", .authorization: "Bearer \(key ?? "")"]
        if gzip { headers[.contentEncoding] = "gzip" }
        if let idempotencyKey { headers[.idempotencyKeyHeader] = idempotencyKey }
        for field in extraHeaders { headers[field.name] = field.value }
        return try await client.execute(uri: "/api/v1/agent/ingest", method: .post, headers: headers, body: ByteBuffer(bytes: body))
    }

    func ingest(_ batch: IngestBatch, key idempotencyKey: String? = nil) async throws -> TestResponse {
        let json = Array(try WireCoding.encoder().encode(batch))
        return try await ingest(body: Gzip.compress(json), key: idempotencyKey ?? batch.batchID)
    }

    func pollCommands(wait: Int = 0) async throws -> TestResponse {
        try await client.execute(
            uri: "/api/v1/agent/commands?wait=\(wait)", method: .get, headers: [.authorization: "Bearer \(key ?? "")"], body: nil)
    }

    func answer(command id: String, success: Bool, failedCheck: Bool? = nil, message: String? = nil) async throws -> TestResponse {
        let failed = failedCheck ?? !success
        let result = CommandResult(
            commandID: id, ok: true,
            result: ConnectionTestResult(
                success: success, targetDatabase: "orders", engine: .postgresql, host: "10.0.0.5", port: 5432, agentVersion: "0.1.0",
                serverVersion: "15.18", checks: [PrerequisiteCheck(name: "pg_monitor membership", status: failed ? .fail : .pass)],
                configurationIssues: failed ? ["logstag_monitor is not a member of pg_monitor"] : [],
                fixSuggestions: failed ? ["GRANT pg_monitor TO logstag_monitor;"] : []),
            message: message)
        return try await client.execute(
            uri: "/api/v1/agent/commands/\(id)/result", method: .post,
            headers: [.authorization: "Bearer \(key ?? "")", .contentType: "application/json"],
            body: ByteBuffer(bytes: try WireCoding.encoder().encode(result)))
    }
}

extension HTTPField.Name {
    static let idempotencyKeyHeader = HTTPField.Name("Idempotency-Key")!
}
