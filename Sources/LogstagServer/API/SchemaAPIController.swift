import Foundation
import Hummingbird
import LogstagCore
import LogstagStorage

/// `/api/v1` twin of the Schema Explorer pages: the schema list and a schema's Overview,
/// Changes and Permissions tabs. Every route takes the instance filter and time window of
/// `ExplorerScope` (default: the last 24 hours); errors are `{code, message}`.
///
/// Contract: an asset of another organisation or an unknown database/schema is a 404, a
/// non-PostgreSQL asset a 422 `unsupported_engine`; bad filters are 400 naming the parameter.
struct SchemaAPIController {
    let services: AppServices

    func register(on router: Router<AppRequestContext>) {
        let api = router.group("api/v1")
        api.get("schemas", use: list)
        api.get("schemas/{assetId}/{database}/{schema}", use: overview)
        api.get("schemas/{assetId}/{database}/{schema}/changes", use: changes)
        api.get("schemas/{assetId}/{database}/{schema}/permissions", use: permissions)
    }

    func scope(_ request: Request, _ context: AppRequestContext, defaultPreset: TimeWindow.Preset = .day) throws -> ExplorerScope {
        try ExplorerScope.parse(request, identity: context.requirePerson(), services: services, defaultPreset: defaultPreset)
    }

    /// The schema a detail route names: its PostgreSQL asset (404 when not the organisation's,
    /// 422 for other engines) and the decoded database and schema names.
    static func target(_ context: AppRequestContext, scope: ExplorerScope) throws -> (asset: Asset, database: String, schema: String) {
        let id = try context.parameters.require("assetId")
        guard let asset = scope.assets.first(where: { $0.id == id }) else { throw AppError.notFound("instance") }
        guard asset.engine == .postgresql else {
            throw AppError(.unprocessableContent, "unsupported_engine", "The Schema Explorer covers PostgreSQL; \(asset.engine.displayName) has no schemas here.")
        }
        func decoded(_ name: String) throws -> String {
            let raw = try context.parameters.require(name)
            return raw.removingPercentEncoding ?? raw
        }
        return (asset, try decoded("database"), try decoded("schema"))
    }

    func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try scope(request, context)
        let options = try SchemaExplorer.options(ExplorerAPIController.parameters(request))
        return try ExplorerAPIController.json(try SchemaExplorer(services: services, scope: scope).list(options))
    }

    func overview(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try scope(request, context)
        let (asset, database, schema) = try Self.target(context, scope: scope)
        return try ExplorerAPIController.json(try SchemaExplorer(services: services, scope: scope).overview(asset: asset, database: database, schema: schema))
    }

    func changes(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try scope(request, context)
        let filters = try SchemaExplorer.changeFilters(ExplorerAPIController.parameters(request))
        let (asset, database, schema) = try Self.target(context, scope: scope)
        return try ExplorerAPIController.json(
            try SchemaExplorer(services: services, scope: scope).changes(asset: asset, database: database, schema: schema, filters: filters))
    }

    func permissions(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try scope(request, context)
        let query = ExplorerAPIController.parameters(request)
        let (asset, database, schema) = try Self.target(context, scope: scope)
        return try ExplorerAPIController.json(
            try SchemaExplorer(services: services, scope: scope).permissions(
                asset: asset, database: database, schema: schema, principal: query["principal"], action: query["action"],
                changedBy: query["changed_by"]))
    }
}
