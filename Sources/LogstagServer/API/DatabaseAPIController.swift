import Foundation
import Hummingbird
import LogstagCore
import LogstagStorage

/// `/api/v1` twins of the Database Explorer (`/databases`, `/databases/{assetId}/{database}`
/// and its Schema tab `/databases/{assetId}/{database}/schema`)
/// and the Overview dashboard (`/overview`). Every route takes the instance filter and time
/// window of `ExplorerScope`.
///
/// Contract: errors are `{code, message}`: 400 for a bad window, instance, engine, sort, order,
/// limit or offset; 404 for an instance that is not the organisation's or a database it does not
/// report. For Redis/Valkey the database is the name the list gives (e.g. `db0`).
struct DatabaseAPIController {
    let services: AppServices

    func register(on router: Router<AppRequestContext>) {
        let api = router.group("api/v1")
        api.get("databases", use: list)
        api.get("databases/{assetId}/{database}", use: detail)
        api.get("databases/{assetId}/{database}/schema", use: schema)
        api.get("overview", use: overview)
    }

    func scope(_ request: Request, _ context: AppRequestContext) throws -> ExplorerScope {
        try ExplorerScope.parse(request, identity: context.requirePerson(), services: services)
    }

    func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try scope(request, context)
        let options = try DatabaseExplorer.options(ExplorerAPIController.parameters(request))
        return try ExplorerAPIController.json(try DatabaseExplorer(services: services, scope: scope).list(options))
    }

    func detail(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try scope(request, context)
        let id = try context.parameters.require("assetId")
        let database = try context.parameters.require("database")
        guard let asset = scope.assets.first(where: { $0.id == id }) else { throw AppError.notFound("instance") }
        guard let detail = try DatabaseExplorer(services: services, scope: scope).detail(asset: asset, database: database) else {
            throw AppError.notFound("database on this instance")
        }
        return try ExplorerAPIController.json(detail)
    }

    /// The Schema tab: the inventory of the whole database (every schema), PostgreSQL only.
    func schema(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try scope(request, context)
        let id = try context.parameters.require("assetId")
        let database = try context.parameters.require("database")
        guard let asset = scope.assets.first(where: { $0.id == id }) else { throw AppError.notFound("instance") }
        guard !DatabaseExplorer.isKeyValue(asset.engine) else {
            throw AppError(.unprocessableContent, "unsupported_engine", "\(asset.engine.displayName) has no schema: keys have no tables or indexes.")
        }
        guard try DatabaseExplorer(services: services, scope: scope).detail(asset: asset, database: database) != nil else {
            throw AppError.notFound("database on this instance")
        }
        return try ExplorerAPIController.json(try SchemaInventory(services: services, scope: scope).overview(asset: asset, database: database, schema: nil))
    }

    func overview(_ request: Request, context: AppRequestContext) async throws -> Response {
        try ExplorerAPIController.json(try OverviewDashboard(services: services, scope: try scope(request, context)).cached())
    }
}
