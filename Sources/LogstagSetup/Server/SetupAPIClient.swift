import Foundation
import LogstagAgent
import LogstagCore

/// The calls setup mode makes to the server's `/api/v1`, authenticated with an `lsk_` API key.
///
/// Contract: every request carries `Authorization: Bearer <key>` and `Accept: application/json`;
/// the key is revealed only into that header. Path and query values are percent-encoded.
/// A 2xx answer is decoded with the wire decoder; anything else becomes a `SetupAPIError`.
struct SetupAPIClient: Sendable {
    let server: ServerURL
    let apiKey: SecretValue
    let transport: any HTTPTransport

    func me() throws(SetupAPIError) -> MeResource {
        try send("GET", "/api/v1/me", what: "/api/v1/me")
    }

    func assets(search: String?, page: Int, perPage: Int) throws(SetupAPIError) -> AssetPageResource {
        var query = [("page", String(page)), ("per_page", String(perPage))]
        if let search, !search.isEmpty { query.append(("q", search)) }
        return try send("GET", "/api/v1/assets", query: query, what: "the asset list")
    }

    func asset(id: String) throws(SetupAPIError) -> AssetResource {
        try send("GET", "/api/v1/assets/\(Self.encode(id))", what: "an asset")
    }

    func createAsset(engine: Engine, name: String, environment: AssetEnvironment, ownerID: String?) throws(SetupAPIError) -> AssetResource {
        var body: [String: String] = ["engine": engine.rawValue, "name": name, "environment": environment.rawValue]
        if let ownerID { body["owner_id"] = ownerID }
        return try send("POST", "/api/v1/assets", body: body, what: "a new asset")
    }

    func members() throws(SetupAPIError) -> [MemberResource] {
        try send("GET", "/api/v1/members", what: "the member list")
    }

    func installCommand(assetID: String, choice: SetupChoice) throws(SetupAPIError) -> InstallCommandResource {
        try send(
            "GET", "/api/v1/assets/\(Self.encode(assetID))/install-command",
            query: [("hosting", choice.hosting.rawValue), ("os", choice.os.rawValue), ("connection", choice.connection.rawValue)],
            what: "the install command")
    }

    func issueRegistrationToken(assetID: String) throws(SetupAPIError) -> RegistrationTokenResource {
        try send("POST", "/api/v1/assets/\(Self.encode(assetID))/registration-token", body: [String: String](), what: "a registration token")
    }

    // MARK: - Plumbing

    private func send<Answer: Decodable>(
        _ method: String, _ path: String, query: [(String, String)] = [], body: [String: String]? = nil, what: String
    ) throws(SetupAPIError) -> Answer {
        var url = server.text + path
        if !query.isEmpty { url += "?" + query.map { "\($0.0)=\(Self.encode($0.1))" }.joined(separator: "&") }
        var headers = [("Authorization", "Bearer " + apiKey.reveal()), ("Accept", "application/json")]
        var data: Data?
        if let body {
            headers.append(("Content-Type", "application/json"))
            data = try? JSONEncoder().encode(body)
        }
        let response: HTTPResponse
        do {
            response = try transport.send(HTTPRequest(method: method, url: url, headers: headers, body: data, timeout: 30))
        } catch {
            throw .transport(error)
        }
        guard (200..<300).contains(response.status) else {
            if let error = try? JSONDecoder().decode(APIErrorBody.self, from: response.body) {
                throw .rejected(status: response.status, code: error.code, message: error.message)
            }
            throw .unexpected(status: response.status, what: what)
        }
        do {
            return try WireCoding.decoder().decode(Answer.self, from: response.body)
        } catch {
            throw .unexpected(status: response.status, what: what)
        }
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// Percent-encodes a path segment or query value (everything but unreserved characters).
    static func encode(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? value
    }
}
