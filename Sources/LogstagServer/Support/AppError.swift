import Foundation
import HTTPTypes
import Hummingbird
import LogstagCore
import LogstagStorage

/// The one error type handlers throw. On `/api/` it becomes JSON `{code, message}`; on pages the
/// web layer renders the error template with the same message.
public struct AppError: Error, HTTPResponseError, CustomStringConvertible {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        if request.uri.path.hasPrefix("/api/") || request.headers[.accept]?.contains("application/json") == true {
            var response = try JSONResponse.encode(APIErrorBody(code: code, message: message), status: status)
            for field in headers { response.headers.append(field) }
            return response
        }
        var response = WebRenderer.shared.errorPage(status: status, message: message)
        for field in headers { response.headers.append(field) }
        return response
    }

    // MARK: - Common answers

    public static func notFound(_ what: String = "resource") -> AppError { AppError(.notFound, "not_found", "No such \(what) in this organisation.") }
    public static let unauthenticated = AppError(.unauthorized, "unauthenticated", "Sign in or send a valid API key (Authorization: Bearer lsk_...).")
    public static func forbidden(_ permission: Permission) -> AppError {
        AppError(.forbidden, "forbidden", "Your role does not include the \(permission.rawValue) permission.")
    }
    public static func badRequest(_ code: String, _ message: String) -> AppError { AppError(.badRequest, code, message) }
    public static func validation(_ error: ValidationError) -> AppError {
        // Structural problems of the document are 400; well-formed but invalid values are 422.
        let status: HTTPResponse.Status =
            switch error.code {
            case "duplicate_name": .conflict
            case "too_deep", "invalid_batch", "unsupported_version": .badRequest
            default: .unprocessableContent
            }
        return AppError(status, error.code, error.message)
    }

    /// Maps storage failures to HTTP answers without leaking internals.
    public static func from(_ error: StorageError) -> AppError {
        switch error {
        case .notFound: .notFound()
        case .duplicateName: AppError(.conflict, "duplicate_name", "An instance with this name already exists in the organisation (names ignore letter case).")
        case .conflict(let why): AppError(.conflict, "conflict", why)
        case .missingMigrations: AppError(.internalServerError, "internal", "The server is missing its database migrations.")
        }
    }
}

/// JSON bodies with the wire encoder (snake_case keys are declared on the types).
enum JSONResponse {
    static func encode(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try WireCoding.encoder().encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
