import Foundation
import LogstagCore

/// Shared bits of the agent-facing API (`/api/v1/agent/*`): URLs, headers, error bodies.
///
/// Contract: `url` joins the configured `api_base_url` (with or without a trailing slash or a
/// path prefix) and an API path; `headers` puts the agent key only in `Authorization`;
/// `serverError` decodes a Logstag `{code, message}` body and makes its message safe to log
/// (control characters removed, at most 300 characters).
enum AgentAPI {
    static let enrollPath = "/api/v1/agent/enroll"
    static let ingestPath = "/api/v1/agent/ingest"
    static let commandsPath = "/api/v1/agent/commands"

    static func url(_ baseURL: String, _ path: String) -> String {
        var base = baseURL.trimmingCharacters(in: .whitespaces)
        while base.hasSuffix("/") { base.removeLast() }
        return base + path
    }

    static func headers(agentKey: SecretValue?, contentType: String? = "application/json") -> [(String, String)] {
        var headers: [(String, String)] = [("Accept", "application/json")]
        if let contentType { headers.append(("Content-Type", contentType)) }
        if let agentKey { headers.append(("Authorization", "Bearer " + agentKey.reveal())) }
        return headers
    }

    /// The Logstag error body of an answer, or nil when the body is not one (another server,
    /// a proxy's HTML page).
    static func serverError(_ response: HTTPResponse) -> APIErrorBody? {
        guard var body = try? WireCoding.decoder().decode(APIErrorBody.self, from: response.body), !body.code.isEmpty else { return nil }
        body.code = sanitized(body.code, limit: 64)
        body.message = sanitized(body.message, limit: 300)
        return body
    }

    /// "HTTP 422 engine_mismatch: <message>" or "HTTP 502" when there is no Logstag error body.
    static func describe(_ response: HTTPResponse) -> String {
        guard let error = serverError(response) else { return "HTTP \(response.status)" }
        return "HTTP \(response.status) \(error.code): \(error.message)"
    }

    static func sanitized(_ text: String, limit: Int) -> String {
        let clean = String(String.UnicodeScalarView(text.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) }))
        return clean.count > limit ? String(clean.prefix(limit)) + "…" : clean
    }
}
