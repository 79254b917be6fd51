import Foundation
import LogstagCore
import LogstagStorage

/// The agent-facing contract: enrolment, ingest, and the command channel.
struct AgentService: Sendable {
    let services: AppServices

    // MARK: - Enrolment

    /// Redeems a registration token. Without an agent key this creates the agent and returns its
    /// key once; with one (`existing`), it binds one more asset to the same agent.
    func enroll(_ request: EnrollmentRequest, existing: Agent?) throws -> (EnrollmentResponse, orgID: String) {
        guard request.wireVersion == WireVersion.current else {
            throw AppError(.badRequest, "unsupported_version", "Wire version \(request.wireVersion) is not supported; this server speaks \(WireVersion.current).")
        }
        let hostname = request.hostname.trimmingCharacters(in: .whitespaces)
        let targetName = request.targetName.trimmingCharacters(in: .whitespaces)
        guard (1...253).contains(hostname.count), (1...100).contains(targetName.count), request.agentVersion.count <= 64 else {
            throw AppError(.badRequest, "invalid_enrollment", "hostname (1-253), target_name (1-100) and agent_version (up to 64 characters) are required.")
        }
        if let port = request.port, !(1...65535).contains(port) {
            throw AppError(.badRequest, "invalid_enrollment", "port must be 1 to 65535.")
        }
        guard let parsed = try? TokenFormat.parse(request.registrationToken, expecting: .registration) else {
            throw AppError(.unauthorized, "token_invalid", "The registration token is malformed.")
        }
        guard let token = try services.assets.token(id: parsed.id), services.tokenMatches(parsed.raw, hash: token.tokenHash) else {
            throw AppError(.unauthorized, "token_invalid", "The registration token is not valid.")
        }
        let now = services.clock()
        if token.revokedAt != nil { throw AppError(.unauthorized, "token_revoked", "This registration token was replaced by a newer one.") }
        if token.usedAt != nil { throw AppError(.unauthorized, "token_used", "This registration token was already used. Generate a new one on the asset page.") }
        if now > token.expiresAt { throw AppError(.unauthorized, "token_expired", "This registration token expired (tokens last 24 hours). Generate a new one.") }
        if let existing, existing.orgID != token.orgID { throw AppError.notFound("asset") }
        guard let asset = try services.assets.asset(orgID: token.orgID, id: token.assetID) else { throw AppError.notFound("asset") }
        if asset.engine != request.engine {
            throw AppError(.unprocessableContent, "engine_mismatch",
                           "This token belongs to a \(asset.engine.displayName) instance, but the target is \(request.engine.displayName).")
        }
        var newKey: TokenString?
        var newAgent: Agent?
        if existing == nil {
            let key = TokenFormat.generate(.agentKey)
            newKey = key
            newAgent = Agent(id: key.id, orgID: token.orgID, hostname: hostname, version: request.agentVersion,
                             keyHash: services.tokenHash(key.raw), createdAt: now)
        }
        let bound: Asset
        do {
            bound = try services.agents.enroll(
                token: token, newAgent: newAgent, existingAgentID: existing?.id,
                binding: .init(targetName: targetName, host: request.host, port: request.port, platform: request.platform), now: now)
        } catch StorageError.conflict {
            throw AppError(.unauthorized, "token_used", "This registration token was already used.")
        } catch let error as StorageError {
            throw AppError.from(error)
        }
        services.commandSignal.bump()
        let response = EnrollmentResponse(
            wireVersion: WireVersion.current, agentID: existing?.id ?? newAgent!.id, agentKey: newKey?.raw, organizationID: token.orgID,
            assetID: bound.id, assetName: bound.name)
        return (response, token.orgID)
    }

    // MARK: - Ingest

    enum IngestAnswer {
        case stored(points: Int)
        case duplicate
    }

    /// Decodes, checks and stores one batch. `body` is the raw request body (gzip or plain JSON).
    func ingest(agent: Agent, idempotencyKey: String?, contentEncoding: String?, body: [UInt8]) async throws -> IngestAnswer {
        guard let key = idempotencyKey, (8...128).contains(key.count),
              key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else {
            throw AppError(.badRequest, "missing_idempotency_key", "Send an Idempotency-Key header (8-128 characters of A-Z, a-z, 0-9, - and _) with every batch.")
        }
        let json: [UInt8]
        switch contentEncoding?.lowercased() {
        case "gzip"?:
            do { json = try Gzip.decompress(body, limit: WireLimits.maxDecompressedBytes) } catch .tooLarge {
                throw AppError(.contentTooLarge, "payload_too_large", "The batch expands beyond \(WireLimits.maxDecompressedBytes / (1 << 20)) MiB; send smaller batches.")
            } catch {
                throw AppError(.badRequest, "invalid_gzip", "The body is not valid gzip.")
            }
        case nil, "identity"?:
            json = body
        default:
            throw AppError(.unsupportedMediaType, "unsupported_encoding", "Content-Encoding must be gzip or identity.")
        }
        let data = Data(json)
        try validated { try JSONShape.check(data, maxDepth: WireLimits.maxDepth) }
        let batch: IngestBatch
        do {
            batch = try WireCoding.decoder().decode(IngestBatch.self, from: data)
        } catch let error as DecodingError {
            throw AppError(.badRequest, "invalid_json", "The batch does not match wire version \(WireVersion.current): \(Self.describe(error)).")
        } catch {
            throw AppError(.badRequest, "invalid_json", "The body is not valid JSON.")
        }
        do { try batch.validate() } catch { throw AppError(.badRequest, error.code, error.message) }
        let work = IngestStore.Work(
            agentID: agent.id, orgID: agent.orgID, idempotencyKey: key, bodySHA256: Crypto.sha256Hex(json), batch: batch)
        let outcome: IngestStore.Outcome
        do {
            outcome = try await services.ingestQueue.submit(work)
        } catch is IngestQueue.Overloaded {
            var error = AppError(.serviceUnavailable, "overloaded", "The server is busy; retry after the Retry-After delay.")
            error.headers[.retryAfter] = String(Int.random(in: 5...30))
            throw error
        }
        try services.heartbeat(agentID: agent.id)
        switch outcome {
        case .stored(let points): return .stored(points: points)
        case .duplicate: return .duplicate
        case .keyReused:
            throw AppError(.unprocessableContent, "idempotency_key_reused", "This Idempotency-Key was already used for a different batch.")
        case .unknownAsset(let id):
            throw AppError(.notFound, "not_found", "Asset \(id.prefix(64)) is not bound to this agent.")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let text = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return text.isEmpty ? "(top level)" : text
        }
        switch error {
        case .typeMismatch(let type, let context): return "wrong type at \(path(context)), expected \(type)"
        case .valueNotFound(_, let context): return "missing value at \(path(context))"
        case .keyNotFound(let key, let context): return "missing key \"\(key.stringValue)\" at \(path(context))"
        case .dataCorrupted(let context): return "invalid value at \(path(context))"
        @unknown default: return "invalid document"
        }
    }

    // MARK: - Commands

    /// Waits up to `wait` seconds for commands for this agent's assets (long-poll).
    func pollCommands(agent: Agent, wait: TimeInterval) async throws -> [AgentCommand] {
        try services.heartbeat(agentID: agent.id)
        let deadline = ContinuousClock.now + .seconds(max(0, min(wait, 30)))
        var seen = -1
        var lastQuery = ContinuousClock.now
        while true {
            let generation = services.commandSignal.generation
            if generation != seen || ContinuousClock.now - lastQuery > .seconds(5) {
                seen = generation
                lastQuery = ContinuousClock.now
                let pending = try services.agents.takePending(agentID: agent.id, now: services.clock())
                if !pending.isEmpty {
                    return pending.compactMap { record in
                        CommandKind(rawValue: record.kind).map {
                            AgentCommand(id: record.id, kind: $0, assetID: record.assetID, issuedAt: record.createdAt, tiers: record.tiers)
                        }
                    }
                }
            }
            guard ContinuousClock.now < deadline else { return [] }
            // Shutdown cancels the wait: answer "nothing yet" rather than an error.
            guard (try? await Task.sleep(for: .milliseconds(250))) != nil else { return [] }
        }
    }

    func complete(agent: Agent, commandID: String, result: CommandResult) throws {
        guard result.commandID == commandID else {
            throw AppError(.badRequest, "invalid_result", "command_id in the body does not match the URL.")
        }
        let passed = result.ok && (result.result?.success ?? true)
        let json = try result.result.map { String(decoding: try WireCoding.encoder().encode($0), as: UTF8.self) }
        do {
            try services.agents.complete(
                agentID: agent.id, commandID: commandID, passed: passed,
                failedPrerequisites: result.result?.checks.filter { $0.status == .fail }.map(\.name) ?? [], resultJSON: json, message: result.message.map { String($0.prefix(2000)) },
                now: services.clock())
        } catch let error as StorageError {
            throw AppError.from(error)
        }
    }
}
