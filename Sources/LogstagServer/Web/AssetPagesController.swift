import Foundation
import Hummingbird
import LogstagCore
import LogstagStorage

/// The Assets pages: list, 3-step wizard, detail, edit, token, connection test, delete.
struct AssetPagesController {
    let services: AppServices
    var assets: AssetService { AssetService(services: services) }

    func register(on router: Router<AppRequestContext>) {
        router.get("assets", use: list)
        router.get("assets/new", use: newPage)
        router.post("assets", use: create)
        router.get("assets/{id}", use: detail)
        router.post("assets/{id}", use: update)
        router.get("assets/{id}/setup", use: setup)
        router.post("assets/{id}/token", use: issueToken)
        router.post("assets/{id}/connection-tests", use: requestTest)
        router.post("assets/{id}/delete", use: delete)
    }

    func person(_ context: AppRequestContext) throws -> Identity {
        guard let identity = context.identity, identity.user != nil else { throw AppError.unauthenticated }
        try identity.require(.manageDatabases)
        return identity
    }

    // MARK: - List

    func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard context.identity?.user != nil else { return .redirect("/login") }
        let identity = try person(context)
        let q = request.uri.queryParameters
        let query = try AssetQueryParser.parse(q)
        let page = try assets.list(identity: identity, query: query)
        let now = services.clock()
        var owners: [String: String] = [:]
        for member in try services.accounts.members(orgID: identity.orgID) { owners[member.user.id] = member.user.name }
        var fields = try PageContext(services: services, identity: identity).base(title: "Assets", active: "assets", flash: q.get("flash"))
        fields["query"] = ["q": query.search ?? "", "status": query.status?.rawValue ?? "", "environment": query.environment?.rawValue ?? ""]
        fields["statusOptions"] = [["value": "", "label": "All statuses", "selected": query.status == nil]]
            + AssetStatus.allCasesForFilter.map { ["value": $0.rawValue, "label": $0.rawValue, "selected": $0 == query.status] }
        fields["environmentOptions"] = [["value": "", "label": "All environments", "selected": query.environment == nil]]
            + AssetEnvironment.allCases.map { ["value": $0.rawValue, "label": $0.rawValue, "selected": $0 == query.environment] }
        let latestHealth = try HealthService(services: services).latest(orgID: identity.orgID, assetIDs: page.items.map(\.id))
        fields["assets"] = page.items.map { asset -> [String: Any] in
            var row = Self.assetFields(asset, now: now)
            row["ownerName"] = asset.ownerID.flatMap { owners[$0] } ?? "—"
            row["health"] = latestHealth[asset.id].flatMap { Self.latestHealthFields($0, now: now) }
            return row
        }
        let filtered = query.search?.isEmpty == false || query.status != nil || query.environment != nil
        fields["isEmpty"] = page.total == 0 && !filtered
        fields["noMatches"] = page.total == 0 && filtered
        fields["canManage"] = true
        fields["pagination"] = Self.pagination(page: page.page, pages: page.pages, total: page.total, path: "/assets", query: q)
        return WebRenderer.shared.render("assets", fields)
    }

    static func assetFields(_ asset: Asset, now: Date) -> [String: Any] {
        var row: [String: Any] = [
            "id": asset.id, "name": asset.name, "engine": asset.engine.rawValue, "engineName": asset.engine.displayName,
            "environment": asset.environment.rawValue, "status": asset.status(now: now).rawValue,
            "statusClass": Display.statusClass(asset.status(now: now)), "hasHealth": asset.healthScore != nil,
            "healthBand": Display.healthBand(asset.healthScore), "createdAt": Display.time(asset.createdAt)!,
            "updatedAt": Display.time(asset.updatedAt)!, "ownerName": "—",
        ]
        row["server"] = asset.host
        row["port"] = asset.port.map(String.init)
        row["version"] = asset.version
        row["lastCheck"] = Display.relative(asset.lastCheckAt, now: now)
        row["healthScore"] = asset.healthScore
        row["agentID"] = asset.agentID
        row["lastSeen"] = Display.relative(asset.lastSeenAt, now: now)
        row["databaseName"] = asset.databaseName
        return row
    }

    /// The latest completed health check as the list and the detail page show it: score with
    /// its colour band, when, and the link to the report. Nil without a score.
    static func latestHealthFields(_ run: HealthRunRecord, now: Date) -> [String: Any]? {
        guard let score = run.overallScore else { return nil }
        var fields: [String: Any] = [
            "score": HealthReportHTML.f0(score), "band": HealthReportHTML.Band.of(score),
            "url": "/assets/\(run.assetID)/health/\(run.id)", "result": run.result?.rawValue ?? "",
        ]
        fields["checkedAgo"] = Display.relative(run.finishedAt ?? run.createdAt, now: now)
        fields["checkedAt"] = Display.time(run.finishedAt ?? run.createdAt)
        fields["critical"] = run.criticalCount ?? 0
        fields["attention"] = run.attentionCount ?? 0
        return fields
    }

    static func pagination(page: Int, pages: Int, total: Int, path: String, query: Parameters) -> [String: Any] {
        func url(_ n: Int) -> String {
            var items = query.filter { $0.key != "page" && $0.key != "flash" }.map { URLQueryItem(name: String($0.key), value: String($0.value)) }
            items.append(URLQueryItem(name: "page", value: String(n)))
            var components = URLComponents()
            components.queryItems = items
            return path + "?" + (components.percentEncodedQuery ?? "")
        }
        var fields: [String: Any] = ["page": page, "pages": pages, "total": total, "hasPrev": page > 1, "hasNext": page < pages]
        if page > 1 { fields["prevURL"] = url(page - 1) }
        if page < pages { fields["nextURL"] = url(page + 1) }
        return fields
    }

    // MARK: - Wizard

    func formOptions(identity: Identity, engine: String? = nil, environment: String? = nil, owner: String? = nil) throws -> [String: Any] {
        let members = try services.accounts.members(orgID: identity.orgID)
        let selectedEnvironment = environment ?? AssetEnvironment.defaultValue.rawValue
        return [
            "engineOptions": Engine.allCases.map { ["value": $0.rawValue, "label": $0.displayName, "selected": $0.rawValue == engine] },
            "environmentOptions": AssetEnvironment.allCases.map {
                ["value": $0.rawValue, "label": $0.rawValue, "selected": $0.rawValue == selectedEnvironment]
            },
            "memberOptions": [["value": "", "label": "Me (default)", "selected": owner == nil || owner == ""]]
                + members.map { ["value": $0.user.id, "label": "\($0.user.name) (\($0.role.displayName))", "selected": $0.user.id == owner] },
        ]
    }

    func newPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard context.identity?.user != nil else { return .redirect("/login") }
        let identity = try person(context)
        var fields = try PageContext(services: services, identity: identity).base(title: "Add instance", active: "assets")
        fields.merge(try formOptions(identity: identity)) { $1 }
        fields["values"] = ["name": ""]
        return WebRenderer.shared.render("asset_new", fields)
    }

    func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try person(context)
        let form = try await RequestBody.form(request)
        do {
            let asset = try assets.create(identity: identity, draft: .init(
                engine: form["engine"], name: form["name"], environment: form["environment"], ownerID: form["owner_id"]))
            context.audit.entity = ("asset", asset.id)
            return .redirect("/assets/\(asset.id)/setup?flash=asset_created")
        } catch let error as AppError {
            var fields = try PageContext(services: services, identity: identity).base(title: "Add instance", active: "assets")
            fields.merge(try formOptions(identity: identity, engine: form["engine"], environment: form["environment"], owner: form["owner_id"])) { $1 }
            fields["values"] = ["name": form["name"] ?? ""]
            fields["error"] = error.message
            fields["fieldErrors"] = [Self.field(for: error.code): error.message]
            return WebRenderer.shared.render("asset_new", fields, status: error.status)
        }
    }

    static func field(for code: String) -> String {
        switch code {
        case "invalid_engine": "engine"
        case "invalid_environment": "environment"
        case "invalid_owner": "owner"
        default: "name"
        }
    }

    func setup(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard context.identity?.user != nil else { return .redirect("/login") }
        return try await renderSetup(request, context: context)
    }

    func renderSetup(_ request: Request, context: AppRequestContext, token: (raw: String, token: RegistrationToken)? = nil,
                     testID: String? = nil) async throws -> Response
    {
        let identity = try person(context)
        let id = try context.parameters.require("id")
        let asset = try assets.get(identity: identity, id: id)
        let q = request.uri.queryParameters
        let choice = try assets.parseChoice(hosting: q.get("hosting"), os: q.get("os"), connection: q.get("connection"))
        let step3 = q.get("step") == "3" || testID != nil
        var fields = try PageContext(services: services, identity: identity).base(
            title: "Set up \(asset.name)", active: "assets", flash: q.get("flash"))
        fields["asset"] = ["id": asset.id, "name": asset.name, "engineName": asset.engine.displayName]
        fields["step2"] = !step3
        fields["step3"] = step3
        fields["hostingOptions"] = Hosting.allCases.map {
            ["value": $0.rawValue, "label": $0.displayName, "available": $0.isAvailable, "selected": $0 == choice.hosting,
             "note": ""]
        }
        fields["osOptions"] = OperatingSystem.allCases.map { ["value": $0.rawValue, "label": $0 == .linux ? "Linux" : "Windows", "selected": $0 == choice.os] }
        fields["connectionOptions"] = ConnectionType.allCases.map {
            ["value": $0.rawValue, "label": $0 == .direct ? "Direct" : "Bridged", "available": $0.isAvailable, "selected": $0 == choice.connection,
             "note": $0.isAvailable ? "The agent connects to this one database instance." : "Planned: one deployment for several reachable instances."]
        }
        do {
            fields["installCommand"] = try assets.installCommand(asset: asset, choice: choice)
        } catch let error as AppError {
            fields["installCommand"] = ""
            fields["error"] = error.message
        }
        fields["installNote"] = "The installer asks for the registration token (or reads it from LOGSTAG_TOKEN_FILE); it never goes on the command line."
        if let token {
            fields["token"] = ["value": token.raw, "expiresAt": Display.time(token.token.expiresAt)!]
        }
        if let active = try services.assets.activeToken(orgID: asset.orgID, assetID: asset.id, now: services.clock()) {
            fields["tokenStatus"] = "A token issued \(Display.time(active.createdAt)!) is active until \(Display.time(active.expiresAt)!). Regenerating revokes it."
            fields["hasActiveToken"] = true
        } else {
            fields["tokenStatus"] = "No active registration token."
        }
        if let testID { fields["testPollURL"] = "/api/v1/assets/\(asset.id)/connection-tests/\(testID)" }
        var step3Query = q.filter { $0.key != "flash" && $0.key != "step" }.map { "\($0.key)=\($0.value)" }
        step3Query.append("step=3")
        fields["step3URL"] = "/assets/\(asset.id)/setup?" + step3Query.joined(separator: "&")
        return WebRenderer.shared.render("asset_setup", fields)
    }

    func issueToken(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try person(context)
        let id = try context.parameters.require("id")
        let token = try assets.issueToken(identity: identity, assetID: id)
        // The token is shown once, on this response; it is not stored anywhere readable.
        return try await renderSetup(request, context: context, token: token)
    }

    func requestTest(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try person(context)
        let id = try context.parameters.require("id")
        let testID = try assets.requestConnectionTest(identity: identity, assetID: id)
        let form = try await RequestBody.form(request)
        if form["from"] == "setup" { return try await renderSetup(request, context: context, testID: testID) }
        return try await detail(request, context: context, testID: testID)
    }

    // MARK: - Detail

    func detail(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard context.identity?.user != nil else { return .redirect("/login") }
        return try await detail(request, context: context, testID: nil)
    }

    func detail(_ request: Request, context: AppRequestContext, testID: String?, error: AppError? = nil,
                values: (name: String, environment: String, owner: String)? = nil) async throws -> Response
    {
        let identity = try person(context)
        let id = try context.parameters.require("id")
        let asset = try assets.get(identity: identity, id: id)
        let now = services.clock()
        var fields = try PageContext(services: services, identity: identity).base(
            title: asset.name, active: "assets", flash: request.uri.queryParameters.get("flash"))
        var assetFields = Self.assetFields(asset, now: now)
        if let ownerID = asset.ownerID, let owner = try services.accounts.user(id: ownerID) { assetFields["ownerName"] = owner.name }
        if let agentID = asset.agentID, let agent = try services.agents.agent(id: agentID) { assetFields["agentVersion"] = agent.version }
        if let values { assetFields["name"] = values.name }
        fields["asset"] = assetFields
        fields.merge(try formOptions(identity: identity, engine: asset.engine.rawValue, environment: values?.environment ?? asset.environment.rawValue,
                                     owner: values?.owner ?? asset.ownerID)) { $1 }
        fields["canManage"] = true
        if let error {
            fields["error"] = error.message
            fields["fieldErrors"] = [Self.field(for: error.code): error.message]
        }
        if let latest = try services.agents.latestCommand(orgID: asset.orgID, assetID: asset.id, kind: CommandKind.connectionTest.rawValue) {
            let view = ConnectionTestView(latest)
            var test: [String: Any] = ["statusLabel": view.status.replacingOccurrences(of: "_", with: " ").capitalized, "passed": view.status == "passed"]
            test["finishedAt"] = Display.time(latest.finishedAt)
            test["message"] = view.message
            if let result = view.result { test["result"] = Self.resultFields(result) }
            fields["latestTest"] = test
            if testID == nil, latest.status == .queued || latest.status == .sent {
                fields["testPollURL"] = "/api/v1/assets/\(asset.id)/connection-tests/\(latest.id)"
            }
        }
        if let testID { fields["testPollURL"] = "/api/v1/assets/\(asset.id)/connection-tests/\(testID)" }
        fields["setupURL"] = "/assets/\(asset.id)/setup"
        let collection = try services.ingest.latestSignals(orgID: identity.orgID, assetID: asset.id)
        if !collection.isEmpty {
            let ok = collection.filter { $0.status == "ok" }.count
            fields["collection"] = [
                "ok": ok, "unavailable": collection.count - ok,
                "signals": collection.map { signal -> [String: Any] in
                    var row: [String: Any] = [
                        "name": signal.signal, "tier": signal.tier, "isOK": signal.status == "ok", "rows": signal.rowCount,
                        "statusLabel": signal.status == "ok" ? "OK" : "Unavailable (\(signal.reason ?? "error"))",
                        "duration": String(format: "%.0f ms", signal.durationMs), "collectedAt": Display.time(signal.collectedAt) ?? "",
                        "collectedTime": Self.clockTime(signal.collectedAt),
                    ]
                    row["message"] = signal.message
                    return row
                },
            ] as [String: Any]
        }
        fields["health"] = try healthFields(identity: identity, asset: asset, now: now)
        if let latest = (fields["health"] as? [String: Any])?["latest"] as? [String: Any] {
            assetFields["hasHealth"] = true
            assetFields["healthScore"] = latest["score"]
            assetFields["healthBand"] = latest["band"]
            assetFields["healthURL"] = latest["url"]
            fields["asset"] = assetFields
        }
        return WebRenderer.shared.render("asset_detail", fields, status: error?.status ?? .ok)
    }

    /// The Health card: latest score, a running check, the run history with the compare form.
    func healthFields(identity: Identity, asset: Asset, now: Date) throws -> [String: Any] {
        let health = HealthService(services: services)
        let runs = try health.runs(identity: identity, assetID: asset.id, limit: 20)
        let latest = try health.latest(orgID: identity.orgID, assetIDs: [asset.id])[asset.id]
        let completed = runs.filter { $0.status == .completed }
        var fields: [String: Any] = [
            "supported": Self.hasHealthCatalogue(asset.engine), "hasRuns": !runs.isEmpty, "canCompare": completed.count >= 2,
            "schedule": HealthPagesController.scheduleFields(hours: try health.interval(orgID: identity.orgID)),
            "runs": runs.map { run -> [String: Any] in
                var row = HealthPagesController.runFields(run, assetID: asset.id, now: now)
                // Preselect the newest completed run as target and the one before it as base.
                row["baseChecked"] = completed.count >= 2 && run.id == completed[1].id
                row["targetChecked"] = completed.count >= 2 && run.id == completed[0].id
                return row
            },
        ]
        fields["latest"] = latest.flatMap { Self.latestHealthFields($0, now: now) }
        if let running = runs.first(where: { !$0.status.isFinal }) {
            fields["running"] = HealthPagesController.runFields(running, assetID: asset.id, now: now)
        }
        return fields
    }

    /// Only engines whose rule catalogue is bundled and parses can run a health check; the
    /// others get an explanation instead of the button.
    static func hasHealthCatalogue(_ engine: Engine) -> Bool {
        if case .available = HealthCatalogues.catalogue(for: engine) { true } else { false }
    }

    /// `HH:mm:ss` in UTC, for dense tables (the full date is in the cell's title).
    static func clockTime(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "HH:mm:ss"
        return formatter.string(from: date)
    }

    static func resultFields(_ result: ConnectionTestResult) -> [String: Any] {
        var fields: [String: Any] = [
            "success": result.success, "engine": result.engine.displayName, "agent_version": result.agentVersion,
            "checks": result.checks.map { check -> [String: Any] in
                var row: [String: Any] = ["name": check.name, "status": check.status.rawValue]
                row["detail"] = check.detail
                return row
            },
            "configuration_issues": result.configurationIssues, "fix_suggestions": result.fixSuggestions,
        ]
        fields["target_database"] = result.targetDatabase
        fields["host"] = result.host
        fields["port"] = result.port
        fields["server_version"] = result.serverVersion
        return fields
    }

    func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try person(context)
        let id = try context.parameters.require("id")
        let form = try await RequestBody.form(request)
        do {
            _ = try assets.update(identity: identity, id: id, draft: .init(
                name: form["name"], environment: form["environment"], ownerID: form["owner_id"]))
            return .redirect("/assets/\(id)?flash=asset_updated")
        } catch let error as AppError where error.status != .notFound && error.status != .forbidden {
            return try await detail(request, context: context, testID: nil, error: error,
                                    values: (form["name"] ?? "", form["environment"] ?? "", form["owner_id"] ?? ""))
        }
    }

    func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try person(context)
        let id = try context.parameters.require("id")
        let form = try await RequestBody.form(request)
        guard form["confirm"] == "yes" else {
            return try await detail(request, context: context, testID: nil,
                                    error: AppError(.unprocessableContent, "confirm_required", "Tick “I understand” to confirm the deletion."))
        }
        try assets.delete(identity: identity, id: id)
        return .redirect("/assets?flash=asset_deleted")
    }
}
