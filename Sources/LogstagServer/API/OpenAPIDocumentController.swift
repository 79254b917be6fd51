import Hummingbird
import LogstagResources

/// `GET /api/v1/openapi.yaml`: the OpenAPI 3.1 description of `/api/v1`, embedded from
/// `Resources/openapi.yaml`.
///
/// Contract: answers the embedded file byte for byte as `application/yaml` to anyone, signed in
/// or not (it is documentation and holds no organisation data). `OpenAPIDocumentTests` keeps the
/// document and the registered routes in step. The file name does not end in
/// "APIController.swift" on purpose: the route matrix scans those files for role-checked routes.
struct OpenAPIDocumentController {
    static let resourcePath = "openapi.yaml"

    func register(on router: Router<AppRequestContext>) {
        let api = router.group("api/v1")
        api.get("openapi.yaml", use: document)
    }

    func document(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let data = BundledResources.data(Self.resourcePath) else { throw AppError.notFound("API description") }
        return Response(
            status: .ok, headers: [.contentType: "application/yaml; charset=utf-8", .cacheControl: "public, max-age=300"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
