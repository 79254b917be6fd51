import Foundation
import LogstagCore
import Testing

@testable import LogstagAgent

@Suite("EnrollmentClient", .timeLimit(.minutes(1)))
struct EnrollmentClientTests {
    static let token = "lsr_ABCDEFGHIJKLsecretsecretsecretsecretsecretsecr000000"
    static let agentKey = "lsa_ABCDEFGHIJKLagentkeyagentkeyagentkeyagentk000000"

    let request = EnrollmentRequest(
        registrationToken: Self.token, hostname: "db-host-1", agentVersion: "1.0.0", targetName: "orders", engine: .postgresql, host: "127.0.0.1",
        port: 5432, platform: "self-hosted")

    static let answer = EnrollmentResponse(agentID: "agent123", agentKey: agentKey, organizationID: "org1", assetID: "asset9", assetName: "orders")

    @Test("Over real HTTP: the request arrives as wire JSON without credentials, and the answer is decoded")
    func firstEnrollment() throws {
        let body = String(decoding: try WireCoding.encoder().encode(Self.answer), as: UTF8.self)
        let server = try FakeLogstagServer(script: [.init(path: "/api/v1/agent/enroll", status: 201, body: body)])
        let response = try EnrollmentClient(transport: CurlTransport()).enroll(baseURL: server.baseURL + "/", request: request, agentKey: nil)
        #expect(response == Self.answer)
        let recorded = try #require(try server.requests().first)
        #expect(recorded.method == "POST")
        #expect(recorded.path == "/api/v1/agent/enroll")
        #expect(recorded.headers["authorization"] == nil)
        #expect(recorded.headers["content-type"] == "application/json")
        #expect(try WireCoding.decoder().decode(EnrollmentRequest.self, from: recorded.body) == request)
    }

    @Test("Binding one more asset sends the agent key as Bearer token")
    func bindWithAgentKey() throws {
        var second = Self.answer
        second.agentKey = nil
        let transport = ScriptedTransport([.respond(HTTPResponse(status: 201, body: try WireCoding.encoder().encode(second)))])
        let response = try EnrollmentClient(transport: transport).enroll(
            baseURL: "https://logstag.example.test", request: request, agentKey: SecretValue(Self.agentKey))
        #expect(response.agentKey == nil)
        #expect(transport.requests.first?.header("Authorization") == "Bearer \(Self.agentKey)")
    }

    @Test("A first enrollment whose answer has no agent key is an error")
    func missingAgentKey() throws {
        var second = Self.answer
        second.agentKey = nil
        let transport = ScriptedTransport([.respond(HTTPResponse(status: 201, body: try WireCoding.encoder().encode(second)))])
        let error = #expect(throws: EnrollmentError.self) {
            try EnrollmentClient(transport: transport).enroll(baseURL: "https://x.test", request: request, agentKey: nil)
        }
        #expect(error?.kind == .unexpectedAnswer)
    }

    @Test(
        "Each refusal has its own kind and a message with the fix, never the token or key",
        arguments: [
            (401, "token_invalid", "The registration token is not valid.", false, EnrollmentError.Kind.tokenInvalid, "Copy it again"),
            (401, "token_used", "This registration token was already used.", false, .tokenUsed, "Generate a new token"),
            (401, "token_revoked", "This registration token was replaced by a newer one.", false, .tokenRevoked, "newest token"),
            (401, "token_expired", "This registration token expired.", false, .tokenExpired, "24 hours"),
            (401, "token_revoked", "The agent key was revoked.", true, .agentKeyRejected, "enroll again"),
            (422, "engine_mismatch", "This token belongs to a PostgreSQL instance, but the target is Redis.", false, .engineMismatch, "db_engine"),
            (404, "not_found", "Asset not found.", true, .rejected, "Asset not found."),
            (400, "unsupported_version", "Wire version 2 is not supported.", false, .rejected, "Wire version 2"),
            (503, "overloaded", "busy", false, .unexpectedAnswer, "Try again"),
        ])
    func refusals(status: Int, code: String, message: String, withKey: Bool, kind: EnrollmentError.Kind, fix: String) throws {
        let transport = ScriptedTransport([ScriptedTransport.error(status, code: code, message: message)])
        let error = #expect(throws: EnrollmentError.self) {
            try EnrollmentClient(transport: transport).enroll(
                baseURL: "https://logstag.example.test", request: request, agentKey: withKey ? SecretValue(Self.agentKey) : nil)
        }
        #expect(error?.kind == kind)
        #expect(error?.message.contains(fix) == true, "\(error?.message ?? "")")
        #expect(error?.message.contains(Self.token) == false)
        #expect(error?.message.contains(Self.agentKey) == false)
    }

    @Test("429 is throttled with the server's Retry-After")
    func throttled() throws {
        let transport = ScriptedTransport([
            ScriptedTransport.error(429, code: "too_many_attempts", message: "Too many failed enrolments", headers: ["retry-after": "42"])
        ])
        let error = #expect(throws: EnrollmentError.self) {
            try EnrollmentClient(transport: transport).enroll(baseURL: "https://x.test", request: request, agentKey: nil)
        }
        #expect(error?.kind == .throttled)
        #expect(error?.retryAfter == 42)
        #expect(error?.message.contains("42 seconds") == true)
    }

    @Test("A page from another web server, a redirect, TLS and connection failures are told apart")
    func transportAndForeignAnswers() throws {
        let html = ScriptedTransport([.respond(HTTPResponse(status: 404, body: Data("<html>nope</html>".utf8)))])
        let redirect = ScriptedTransport([.respond(HTTPResponse(status: 301, headers: ["location": "https://other.test/api/v1/agent/enroll"]))])
        let tls = ScriptedTransport([.fail(TransportError(message: "certificate problem; set server_ca_file", isTLSVerification: true))])
        let refused = ScriptedTransport([.fail(TransportError(message: "Could not connect."))])
        func failure(_ transport: ScriptedTransport) -> EnrollmentError? {
            do {
                _ = try EnrollmentClient(transport: transport).enroll(baseURL: "https://x.test", request: request, agentKey: nil)
                return nil
            } catch {
                return error
            }
        }
        let htmlError = failure(html)
        #expect(htmlError?.kind == .unexpectedAnswer)
        #expect(htmlError?.message.contains("api_base_url") == true)
        let redirectError = failure(redirect)
        #expect(redirectError?.kind == .unexpectedAnswer)
        #expect(redirectError?.message.contains("https://other.test") == true)
        let tlsError = failure(tls)
        #expect(tlsError?.kind == .tlsVerification)
        #expect(tlsError?.message.contains("server_ca_file") == true)
        #expect(failure(refused)?.kind == .unreachable)
    }
}
