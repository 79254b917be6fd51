import Foundation
import Hummingbird
import LogstagCore
import LogstagStorage

/// `/api/v1` routes of health checks: start, history, one run with its report, cancel,
/// compare, and the organisation's schedule. Reports are JSON through `HealthCoding`
/// (snake_case keys); errors are `{code, message}` like every API answer.
struct HealthAPIController {
    let services: AppServices
    var health: HealthService { HealthService(services: services) }

    static let defaultHistory = 50

    func register(on router: Router<AppRequestContext>) {
        let api = router.group("api/v1")
        api.post("assets/{id}/health-checks", use: start)
        api.get("assets/{id}/health-checks", use: history)
        api.get("health-checks/compare", use: compare)
        api.get("health-checks/{runId}", use: show)
        api.post("health-checks/{runId}/cancel", use: cancel)
        api.get("organization/health-settings", use: settings)
        api.put("organization/health-settings", use: updateSettings)
    }

    /// People and API keys only; the service checks the permission.
    func person(_ context: AppRequestContext) throws -> Identity {
        try context.requirePerson()
    }

    func start(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try person(context)
        let run = try await health.start(identity: identity, assetID: try context.parameters.require("id"))
        context.audit.entity = ("health_check", run.id)
        return try HealthRunView.response(HealthRunView(run, now: services.clock()), status: .accepted)
    }

    func history(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try person(context)
        var limit = Self.defaultHistory
        if let text = request.uri.queryParameters.get("limit"), !text.isEmpty {
            guard let value = Int(text), (1...500).contains(value) else {
                throw AppError.badRequest("invalid_limit", "limit must be a whole number from 1 to 500.")
            }
            limit = value
        }
        let runs = try health.runs(identity: identity, assetID: try context.parameters.require("id"), limit: limit)
        let now = services.clock()
        return try HealthRunView.response(runs.map { HealthRunView($0, now: now) })
    }

    func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try person(context)
        let run = try health.run(identity: identity, runID: try context.parameters.require("runId"))
        return try HealthRunView.response(HealthRunView(run, now: services.clock(), includeReport: true))
    }

    func cancel(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try person(context)
        let runID = try context.parameters.require("runId")
        context.audit.entity = ("health_check", runID)
        let run = try health.cancel(identity: identity, runID: runID)
        return try HealthRunView.response(HealthRunView(run, now: services.clock()))
    }

    func compare(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try person(context)
        let q = request.uri.queryParameters
        guard let base = q.get("base"), !base.isEmpty, let target = q.get("target"), !target.isEmpty else {
            throw AppError.badRequest("missing_parameter", "Give the two health checks to compare: ?base=RUN_ID&target=RUN_ID (older first).")
        }
        return try HealthRunView.response(try health.compare(identity: identity, baseRunID: base, targetRunID: target))
    }

    struct SettingsView: Encodable {
        let intervalHours: Int
    }

    func settings(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try person(context)
        try identity.require(.viewDatabases)
        return try HealthRunView.response(SettingsView(intervalHours: try health.interval(orgID: identity.orgID)))
    }

    func updateSettings(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try person(context)
        try identity.require(.manageDatabases)
        let body = try await RequestBody.object(from: request, context: context)
        try body.checkKeys(allowed: ["interval_hours"])
        let hours: Int
        switch body["interval_hours"] {
        case .number(let value)? where value.rounded() == value && abs(value) < 1e9: hours = Int(value)
        // Form posts and loosely typed clients send the number as text.
        case .string(let text)? where Int(text.trimmingCharacters(in: .whitespaces)) != nil:
            hours = Int(text.trimmingCharacters(in: .whitespaces))!
        case nil: throw AppError.badRequest("missing_field", "Send {\"interval_hours\": N} with N from 0 (no scheduled checks) to 168.")
        default: throw AppError.badRequest("invalid_json", "Field \"interval_hours\" must be a whole number.")
        }
        try health.setInterval(identity: identity, hours: hours)
        context.audit.entity = ("organization", identity.orgID)
        return try HealthRunView.response(SettingsView(intervalHours: try health.interval(orgID: identity.orgID)))
    }
}

/// A health-check run as the API shows it (snake_case through `HealthCoding`); `report` only
/// on the single-run endpoint, and only when the run is Completed.
struct HealthRunView: Encodable {
    let id, assetID, status, trigger: String
    let requestedBy, commandID: String?
    let createdAt: Date
    let startedAt, finishedAt: Date?
    let deadlineAt: Date
    let durationSeconds: Double?
    let message: String?
    let overallScore: Double?
    let result: String?
    let attentionCount, criticalCount, catalogueVersion: Int?
    let report: HealthReport?
    let includeReport: Bool

    enum CodingKeys: String, CodingKey {
        case id, assetID, status, trigger, requestedBy, commandID, createdAt, startedAt, finishedAt, deadlineAt, durationSeconds, message
        case overallScore, result, attentionCount, criticalCount, catalogueVersion, report
    }

    init(_ run: HealthRunRecord, now: Date, includeReport: Bool = false) {
        id = run.id
        assetID = run.assetID
        status = run.status.rawValue
        trigger = run.trigger.rawValue
        requestedBy = run.requestedBy
        commandID = run.commandID
        createdAt = run.createdAt
        startedAt = run.startedAt
        finishedAt = run.finishedAt
        deadlineAt = run.deadlineAt
        durationSeconds = run.duration(now: now)
        message = run.message
        overallScore = run.overallScore
        result = run.result?.rawValue
        attentionCount = run.attentionCount
        criticalCount = run.criticalCount
        catalogueVersion = run.catalogueVersion
        report = includeReport ? run.report : nil
        self.includeReport = includeReport
    }

    /// Unknown values are explicit nulls, so every run has the same shape.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(assetID, forKey: .assetID)
        try c.encode(status, forKey: .status)
        try c.encode(trigger, forKey: .trigger)
        try c.encode(requestedBy, forKey: .requestedBy)
        try c.encode(commandID, forKey: .commandID)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(startedAt, forKey: .startedAt)
        try c.encode(finishedAt, forKey: .finishedAt)
        try c.encode(deadlineAt, forKey: .deadlineAt)
        try c.encode(durationSeconds, forKey: .durationSeconds)
        try c.encode(message, forKey: .message)
        try c.encode(overallScore, forKey: .overallScore)
        try c.encode(result, forKey: .result)
        try c.encode(attentionCount, forKey: .attentionCount)
        try c.encode(criticalCount, forKey: .criticalCount)
        try c.encode(catalogueVersion, forKey: .catalogueVersion)
        if includeReport { try c.encode(report, forKey: .report) }
    }

    /// JSON through `HealthCoding`: camelCase Swift names become snake_case keys.
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try HealthCoding.encoder().encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
