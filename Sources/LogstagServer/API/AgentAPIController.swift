import Foundation
import HTTPTypes
import Hummingbird
import LogstagCore
import LogstagStorage

/// The agent-facing routes (wire version 1). Agents authenticate with their `lsa_` key, except
/// for the first enrolment, which is authorised by the registration token in the body.
struct AgentAPIController {
    let services: AppServices
    var agents: AgentService { AgentService(services: services) }

    func register(on router: Router<AppRequestContext>) {
        let api = router.group("api/v1/agent")
        api.post("enroll", use: enroll)
        api.post("ingest", use: ingest)
        api.get("commands", use: commands)
        api.post("commands/{id}/result", use: result)
    }

    func agent(_ context: AppRequestContext) throws -> Agent {
        guard let agent = try context.requireIdentity().agent else {
            throw AppError(.unauthorized, "unauthenticated", "Send the agent key: Authorization: Bearer lsa_...")
        }
        return agent
    }

    func enroll(_ request: Request, context: AppRequestContext) async throws -> Response {
        if context.identity != nil && context.identity?.agent == nil {
            throw AppError(.forbidden, "forbidden", "Enrolment takes a registration token, optionally with an agent key; not a user credential.")
        }
        context.audit.skip = true
        let started = ContinuousClock.now
        var orgID = ""
        var actor = context.identity?.agent.map { "agent:\($0.hostname)" } ?? "agent (registration token)"
        var status = HTTPResponse.Status.internalServerError
        defer {
            // Every redemption attempt is audited under the token's organisation when known.
            let entry = AuditRecorder.entry(
                services: services, request: request, context: context, identity: context.identity, status: status.code,
                duration: ContinuousClock.now - started, body: nil, orgID: orgID, email: actor, action: "enroll agent")
            try? services.audit.append(entry)
        }
        do {
            if let wait = await services.enrollThrottle.blockedFor(account: "", ip: context.clientIP) {
                var error = AppError(.tooManyRequests, "too_many_attempts", "Too many failed enrolments from this address; retry later.")
                error.headers[.retryAfter] = String(Int(wait.rounded(.up)))
                throw error
            }
            let body = try await RequestBody.json(EnrollmentRequest.self, from: request, context: context)
            if context.identity == nil { actor = "agent:\(body.hostname.prefix(100))" }
            let (response, org) = try agents.enroll(body, existing: context.identity?.agent)
            orgID = org
            context.audit.entity = ("asset", response.assetID)
            status = .created
            return try JSONResponse.encode(response, status: .created)
        } catch let error as AppError {
            status = error.status
            if error.status == .unauthorized {
                await services.enrollThrottle.recordFailure(account: "", ip: context.clientIP)
            }
            throw error
        }
    }

    struct IngestAnswerView: Encodable {
        let status: String
        let points: Int?
    }

    func ingest(_ request: Request, context: AppRequestContext) async throws -> Response {
        let agent = try agent(context)
        if let length = request.headers[.contentLength].flatMap(Int.init), length > WireLimits.maxCompressedBytes {
            throw AppError(.contentTooLarge, "payload_too_large", "Batches are limited to 1 MiB compressed; send smaller batches.")
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: WireLimits.maxCompressedBytes)
        } catch {
            throw AppError(.contentTooLarge, "payload_too_large", "Batches are limited to 1 MiB compressed; send smaller batches.")
        }
        let answer = try await agents.ingest(
            agent: agent, idempotencyKey: request.headers[.idempotencyKey], contentEncoding: request.headers[.contentEncoding],
            body: Array(buffer: body))
        switch answer {
        case .stored(let points): return try JSONResponse.encode(IngestAnswerView(status: "stored", points: points))
        case .duplicate: return try JSONResponse.encode(IngestAnswerView(status: "duplicate", points: nil))
        }
    }

    func commands(_ request: Request, context: AppRequestContext) async throws -> Response {
        let agent = try agent(context)
        let wait = Double(request.uri.queryParameters.get("wait") ?? "") ?? 25
        let commands = try await agents.pollCommands(agent: agent, wait: wait)
        guard !commands.isEmpty else { return Response(status: .noContent) }
        return try JSONResponse.encode(commands)
    }

    func result(_ request: Request, context: AppRequestContext) async throws -> Response {
        let agent = try agent(context)
        let body = try await RequestBody.json(CommandResult.self, from: request, context: context)
        try agents.complete(agent: agent, commandID: try context.parameters.require("id"), result: body)
        try services.heartbeat(agentID: agent.id)
        return Response(status: .noContent)
    }
}
