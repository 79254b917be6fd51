import Foundation
import Hummingbird
import LogstagCore
import LogstagStorage

/// The Health Check pages: start a run from the asset page, follow its lifecycle, read the
/// report, download it as a standalone HTML file, compare two runs.
///
/// Contract: reading needs view_databases, starting and cancelling manage_databases (the
/// `HealthService` checks both; forms carry the session's CSRF token like every other form).
/// A run is shown only under its own asset's URL: another asset's id in the path is a 404.
struct HealthPagesController {
    let services: AppServices
    var health: HealthService { HealthService(services: services) }

    /// Seconds between reloads of a run page while the run is not final.
    static let refreshSeconds = 3

    func register(on router: Router<AppRequestContext>) {
        router.post("assets/{id}/health-checks", use: start)
        router.get("assets/{id}/health/compare", use: compare)
        router.get("assets/{id}/health/{runID}", use: runPage)
        router.post("assets/{id}/health/{runID}/cancel", use: cancel)
        router.get("assets/{id}/health/{runID}/export.html", use: export)
        router.post("assets/{id}/health-schedule", use: setSchedule)
    }

    /// The intervals offered for scheduled checks (the API takes any 0...168).
    static let scheduleChoices = [0, 6, 12, 24, 48, 168]

    /// The organisation's schedule as the Health card shows and edits it.
    static func scheduleFields(hours: Int) -> [String: Any] {
        func label(_ hours: Int) -> String {
            switch hours {
            case 0: "Off"
            case 24: "Daily"
            case 168: "Weekly"
            case let value where value % 24 == 0: "Every \(value / 24) days"
            default: "Every \(hours) hours"
            }
        }
        let choices = (scheduleChoices.contains(hours) ? scheduleChoices : (scheduleChoices + [hours]).sorted())
        return [
            "hours": hours, "label": label(hours), "enabled": hours > 0,
            "options": choices.map { ["value": $0, "label": label($0), "selected": $0 == hours] as [String: Any] },
        ]
    }

    /// Changes the organisation's schedule from an asset's Health card and returns to it.
    func setSchedule(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try reader(context)
        try identity.require(.manageDatabases)
        let asset = try asset(identity, context)
        let form = try await RequestBody.form(request)
        guard let hours = form["interval_hours"].flatMap({ Int($0) }) else {
            throw AppError(.badRequest, "invalid_interval", "interval_hours must be a whole number of hours.")
        }
        try health.setInterval(identity: identity, hours: hours)
        context.audit.entity = ("organization", identity.orgID)
        return .redirect("/assets/\(asset.id)?flash=health_schedule_saved#health")
    }

    func reader(_ context: AppRequestContext) throws -> Identity {
        guard let identity = context.identity, identity.user != nil else { throw AppError.unauthenticated }
        try identity.require(.viewDatabases)
        return identity
    }

    func asset(_ identity: Identity, _ context: AppRequestContext) throws -> Asset {
        let id = try context.parameters.require("id")
        guard let asset = try services.assets.asset(orgID: identity.orgID, id: id) else { throw AppError.notFound("asset") }
        return asset
    }

    /// The run, only when it belongs to the asset in the URL.
    func run(_ identity: Identity, asset: Asset, context: AppRequestContext) throws -> HealthRunRecord {
        let runID = try context.parameters.require("runID")
        let run = try health.run(identity: identity, runID: runID)
        guard run.assetID == asset.id else { throw AppError.notFound("health check") }
        return run
    }

    // MARK: - Start, cancel

    func start(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try reader(context)
        try identity.require(.manageDatabases)
        let asset = try asset(identity, context)
        do {
            let run = try await health.start(identity: identity, assetID: asset.id)
            context.audit.entity = ("health_run", run.id)
            return .redirect("/assets/\(asset.id)/health/\(run.id)")
        } catch let error as AppError where error.status == .conflict {
            return .redirect("/assets/\(asset.id)?flash=health_running#health")
        } catch let error as AppError where error.status == .unprocessableContent {
            return .redirect("/assets/\(asset.id)?flash=health_unsupported#health")
        }
    }

    func cancel(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try reader(context)
        try identity.require(.manageDatabases)
        let asset = try asset(identity, context)
        let run = try run(identity, asset: asset, context: context)
        do {
            _ = try health.cancel(identity: identity, runID: run.id)
            context.audit.entity = ("health_run", run.id)
            return .redirect("/assets/\(asset.id)/health/\(run.id)?flash=health_cancelled")
        } catch let error as AppError where error.status == .conflict {
            // It finished meanwhile: show how it ended.
            return .redirect("/assets/\(asset.id)/health/\(run.id)?flash=health_already_final")
        }
    }

    // MARK: - Run page and report

    func runPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard context.identity?.user != nil else { return .redirect("/login") }
        let identity = try reader(context)
        let asset = try asset(identity, context)
        let run = try run(identity, asset: asset, context: context)
        let now = services.clock()
        var fields = try PageContext(services: services, identity: identity).base(
            title: "Health check · \(asset.name)", active: "assets", flash: request.uri.queryParameters.get("flash"))
        fields["asset"] = ["id": asset.id, "name": asset.name, "engineName": asset.engine.displayName, "engine": asset.engine.rawValue]
        fields["run"] = Self.runFields(run, assetID: asset.id, now: now)
        fields["canManage"] = identity.has(.manageDatabases)
        fields["lifecycle"] = Self.lifecycle(run.status)
        if !run.status.isFinal { fields["refreshSeconds"] = Self.refreshSeconds }
        if run.status == .completed, let report = run.report {
            fields["reportHTML"] = HealthReportHTML.render(report: report)
            fields["exportURL"] = "/assets/\(asset.id)/health/\(run.id)/export.html"
            fields["jsonURL"] = "/api/v1/health-checks/\(run.id)"
            if let previous = report.findings.lazy.compactMap(\.delta).first?.previousRunID {
                fields["compareURL"] = "/assets/\(asset.id)/health/compare?base=\(previous)&target=\(run.id)"
            }
        }
        return WebRenderer.shared.render("health_run", fields)
    }

    func export(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard context.identity?.user != nil else { return .redirect("/login") }
        let identity = try reader(context)
        let asset = try asset(identity, context)
        let run = try run(identity, asset: asset, context: context)
        guard run.status == .completed, let report = run.report else {
            throw AppError(.conflict, "not_completed", "This health check has no report: it is \(run.status.rawValue).")
        }
        let html = HealthReportExport.document(report: report)
        return Response(
            status: .ok,
            headers: [.contentType: "text/html; charset=utf-8",
                      .contentDisposition: "attachment; filename=\"\(HealthReportExport.filename(report: report))\""],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    // MARK: - Compare

    func compare(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard context.identity?.user != nil else { return .redirect("/login") }
        let identity = try reader(context)
        let asset = try asset(identity, context)
        let q = request.uri.queryParameters
        guard let baseID = q.get("base"), let targetID = q.get("target"), !baseID.isEmpty, !targetID.isEmpty else {
            throw AppError(.badRequest, "missing_runs", "Pick two completed health checks to compare.")
        }
        guard baseID != targetID else { throw AppError(.unprocessableContent, "same_run", "Pick two different health checks to compare.") }
        var base = try health.run(identity: identity, runID: baseID)
        var target = try health.run(identity: identity, runID: targetID)
        guard base.assetID == asset.id, target.assetID == asset.id else { throw AppError.notFound("health check") }
        // Older one first, whichever column the person picked it in.
        if target.createdAt < base.createdAt { swap(&base, &target) }
        let comparison = try health.compare(identity: identity, baseRunID: base.id, targetRunID: target.id)
        let now = services.clock()
        var fields = try PageContext(services: services, identity: identity).base(title: "Compare health checks · \(asset.name)", active: "assets")
        fields["asset"] = ["id": asset.id, "name": asset.name]
        fields["base"] = Self.runFields(base, assetID: asset.id, now: now)
        fields["target"] = Self.runFields(target, assetID: asset.id, now: now)
        fields.merge(Self.comparisonFields(comparison)) { $1 }
        return WebRenderer.shared.render("health_compare", fields)
    }

    static func comparisonFields(_ comparison: HealthComparison) -> [String: Any] {
        func finding(_ change: FindingChange) -> [String: Any] {
            var row: [String: Any] = ["title": change.title, "tab": change.tab.rawValue, "ruleID": change.ruleID]
            row["before"] = change.before.map(statusFields)
            row["after"] = change.after.map(statusFields)
            row["resultBefore"] = change.resultBefore
            row["resultAfter"] = change.resultAfter
            return row
        }
        func objects(_ list: [ScopeObject]) -> [[String: Any]] { list.map { ["kind": $0.kind, "name": $0.name] } }
        var fields: [String: Any] = [
            "added": comparison.addedFindings.map(finding), "removed": comparison.removedFindings.map(finding),
            "modified": comparison.modifiedFindings.map(finding),
            "addedObjects": objects(comparison.addedObjects), "removedObjects": objects(comparison.removedObjects),
            "modifiedObjects": objects(comparison.modifiedObjects),
            "settings": comparison.changedSettings.map { change -> [String: Any] in
                var row: [String: Any] = ["name": change.name]
                row["before"] = change.before
                row["after"] = change.after
                return row
            },
        ]
        fields["scoreBefore"] = comparison.scoreBefore.map { ["value": HealthReportHTML.f0($0), "band": HealthReportHTML.Band.of($0)] }
        fields["scoreAfter"] = comparison.scoreAfter.map { ["value": HealthReportHTML.f0($0), "band": HealthReportHTML.Band.of($0)] }
        let counts = [comparison.addedFindings.count, comparison.removedFindings.count, comparison.modifiedFindings.count,
                      comparison.addedObjects.count, comparison.removedObjects.count, comparison.modifiedObjects.count, comparison.changedSettings.count]
        fields["noChanges"] = counts.allSatisfy { $0 == 0 }
        fields["noObjectChanges"] = counts[3] + counts[4] + counts[5] == 0
        fields["counts"] = ["added": counts[0], "removed": counts[1], "modified": counts[2], "objects": counts[3] + counts[4] + counts[5], "settings": counts[6]]
        return fields
    }

    // MARK: - Shared view fields

    static func statusFields(_ status: FindingStatus) -> [String: Any] {
        let badge = switch status {
        case .healthy: "success"
        case .attention: "issues"
        case .critical: "danger"
        }
        return ["label": status.rawValue, "badge": badge]
    }

    /// One run for tables and the run page.
    static func runFields(_ run: HealthRunRecord, assetID: String, now: Date) -> [String: Any] {
        var fields: [String: Any] = [
            "id": run.id, "url": "/assets/\(assetID)/health/\(run.id)", "status": run.status.rawValue,
            "statusClass": statusClass(run.status), "isFinal": run.status.isFinal, "isRunning": !run.status.isFinal,
            "isCompleted": run.status == .completed, "trigger": run.trigger == .schedule ? "Scheduled" : "Manual",
            "createdAt": Display.time(run.createdAt)!, "startedAt": Display.time(run.startedAt ?? run.createdAt)!,
            "hasScore": run.overallScore != nil, "cancelURL": "/assets/\(assetID)/health/\(run.id)/cancel",
        ]
        fields["finishedAt"] = Display.time(run.finishedAt)
        fields["duration"] = run.duration(now: now).map(UnitFormat.duration)
        fields["message"] = run.message
        if let score = run.overallScore {
            fields["score"] = HealthReportHTML.f0(score)
            fields["band"] = HealthReportHTML.Band.of(score)
        }
        fields["result"] = run.result?.rawValue
        fields["attention"] = run.attentionCount
        fields["critical"] = run.criticalCount
        fields["checkedAgo"] = Display.relative(run.finishedAt ?? run.createdAt, now: now)
        return fields
    }

    static func statusClass(_ status: HealthRunStatus) -> String {
        switch status {
        case .completed: "success"
        case .pending, .collecting, .generatingReport: "neutral"
        case .cancelled, .timeout: "issues"
        case .failure: "danger"
        }
    }

    /// The four steps of a successful run, marked done/current for the progress strip.
    static func lifecycle(_ status: HealthRunStatus) -> [[String: Any]] {
        let steps: [HealthRunStatus] = [.pending, .collecting, .generatingReport, .completed]
        let reached = steps.firstIndex(of: status) ?? -1
        return steps.enumerated().map { index, step in
            ["label": step.rawValue, "done": index < reached || status == .completed, "current": index == reached && status != .completed]
        }
    }
}
