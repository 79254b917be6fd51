import Foundation
import Hummingbird
import LogstagCore

/// Reading JSON request bodies with limits and precise 400 answers.
enum RequestBody {
    static let jsonLimit = 64 * 1024

    static func json<T: Decodable>(_ type: T.Type, from request: Request, context: AppRequestContext) async throws -> T {
        let data = try await bytes(request, limit: jsonLimit)
        try validated { try JSONShape.check(data, maxDepth: WireLimits.maxDepth) }
        do {
            return try WireCoding.decoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw AppError(.badRequest, "invalid_json", "The request body is not valid: \(AgentService.describe(error)).")
        }
    }

    /// A JSON object body as loose values, so handlers can report unknown or read-only keys.
    static func object(from request: Request, context: AppRequestContext) async throws -> [String: JSONValue] {
        let value = try await json(JSONValue.self, from: request, context: context)
        guard case .object(let object) = value else {
            throw AppError(.badRequest, "invalid_json", "The request body must be a JSON object.")
        }
        return object
    }

    static func bytes(_ request: Request, limit: Int) async throws -> Data {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw AppError(.contentTooLarge, "payload_too_large", "The request body is larger than \(limit / 1024) KiB.")
        }
        var request = request
        do {
            let buffer = try await request.collectBody(upTo: limit)
            return Data(buffer: buffer)
        } catch {
            throw AppError(.contentTooLarge, "payload_too_large", "The request body is larger than \(limit / 1024) KiB.")
        }
    }

    static func form(_ request: Request) async throws -> FormBody {
        var request = request
        let buffer = try await request.collectBody(upTo: 1 << 20)
        return FormBody(String(buffer: buffer))
    }
}

extension [String: JSONValue] {
    /// A string field: nil when absent, 400 when present with another type.
    func string(_ key: String) throws -> String? {
        guard let value = self[key] else { return nil }
        if case .null = value { return nil }
        guard case .string(let text) = value else {
            throw AppError(.badRequest, "invalid_json", "Field \"\(key)\" must be a string.")
        }
        return text
    }

    /// Rejects keys outside `allowed`; `readOnly` keys get a 422 that says why.
    func checkKeys(allowed: Set<String>, readOnly: Set<String> = []) throws {
        for key in keys.sorted() where !allowed.contains(key) {
            if readOnly.contains(key) {
                throw AppError(.unprocessableContent, "read_only_field", "\"\(key)\" is reported by the agent and cannot be edited.")
            }
            throw AppError(.badRequest, "unknown_field", "Unknown field \"\(key.prefix(40))\".")
        }
    }
}

extension Data {
    init(buffer: ByteBuffer) {
        var buffer = buffer
        self = buffer.readData(length: buffer.readableBytes) ?? Data()
    }
}
