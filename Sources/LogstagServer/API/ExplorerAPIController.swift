import Foundation
import Hummingbird
import LogstagCore
import LogstagStorage

/// `/api/v1` twins of the explorer pages: the Query Explorer (`/queries`, `/queries/{id}`) and
/// the Activity Explorer (`/activity`, `/activity/{assetId}`). Every route takes the instance
/// filter and time window of `ExplorerScope`; errors are `{code, message}`.
struct ExplorerAPIController {
    let services: AppServices

    func register(on router: Router<AppRequestContext>) {
        let api = router.group("api/v1")
        api.get("queries", use: queries)
        api.get("queries/{id}", use: query)
        api.get("activity", use: activityList)
        api.get("activity/{assetId}", use: activity)
    }

    func scope(_ request: Request, _ context: AppRequestContext, defaultPreset: TimeWindow.Preset = .hour) throws -> ExplorerScope {
        try ExplorerScope.parse(request, identity: context.requirePerson(), services: services, defaultPreset: defaultPreset)
    }

    func queries(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try scope(request, context, defaultPreset: .day)
        let options = try QueryExplorer.options(Self.parameters(request))
        return try Self.json(try QueryExplorer(services: services, scope: scope).list(options))
    }

    func query(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try scope(request, context, defaultPreset: .day)
        guard let id = Int64(try context.parameters.require("id")),
              let detail = try QueryExplorer(services: services, scope: scope).detail(id: id)
        else { throw AppError.notFound("statement") }
        return try Self.json(detail)
    }

    func activityList(_ request: Request, context: AppRequestContext) async throws -> Response {
        try Self.json(try ActivityExplorer(services: services, scope: try scope(request, context)).list())
    }

    func activity(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try scope(request, context)
        let id = try context.parameters.require("assetId")
        guard let asset = scope.assets.first(where: { $0.id == id }) else { throw AppError.notFound("instance") }
        guard asset.engine == .postgresql else {
            throw AppError(.unprocessableContent, "unsupported_engine", "The Activity Explorer covers PostgreSQL; \(asset.engine.displayName) has no session detail.")
        }
        return try Self.json(try ActivityExplorer(services: services, scope: scope).detail(asset: asset))
    }

    /// Single-valued query parameters (the last wins).
    static func parameters(_ request: Request) -> [String: String] {
        var result: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { result[String(key)] = String(value) }
        return result
    }

    static func json(_ object: [String: Any]) throws -> Response {
        let data = try ExplorerJSON.data(object)
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
