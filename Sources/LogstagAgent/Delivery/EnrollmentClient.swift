import Foundation
import LogstagCore

/// Redeems a registration token at `POST /api/v1/agent/enroll`.
///
/// Contract: sends the request as JSON (no credential on a first enrollment; the agent key
/// as Bearer token to bind one more asset to an enrolled agent) and returns the server's
/// answer. A first enrollment must return an agent key. Every failure is an `EnrollmentError`
/// whose message names the fix; neither the token nor the key ever appears in it. Blocking.
public struct EnrollmentClient: Sendable {
    public let transport: any HTTPTransport
    public var timeout: Double

    public init(transport: any HTTPTransport, timeout: Double = 30) {
        self.transport = transport
        self.timeout = timeout
    }

    public func enroll(baseURL: String, request: EnrollmentRequest, agentKey: SecretValue?) throws(EnrollmentError) -> EnrollmentResponse {
        let origin = CurlTransport.origin(of: baseURL)
        let body: Data
        do {
            body = try WireCoding.encoder().encode(request)
        } catch {
            throw EnrollmentError(kind: .rejected, message: "The enrollment request could not be encoded.")
        }
        let response: HTTPResponse
        do {
            response = try transport.send(
                HTTPRequest(method: "POST", url: AgentAPI.url(baseURL, AgentAPI.enrollPath), headers: AgentAPI.headers(agentKey: agentKey), body: body, timeout: timeout))
        } catch {
            throw EnrollmentError(kind: error.isTLSVerification ? .tlsVerification : .unreachable, message: error.message)
        }
        if (200..<300).contains(response.status) {
            guard let answer = try? WireCoding.decoder().decode(EnrollmentResponse.self, from: response.body) else {
                throw EnrollmentError(
                    kind: .unexpectedAnswer,
                    message: "The server at \(origin) answered the enrollment with a body this agent cannot read. Check that api_base_url points at the Logstag server and that the agent and server versions match.")
            }
            if agentKey == nil && (answer.agentKey ?? "").isEmpty {
                throw EnrollmentError(
                    kind: .unexpectedAnswer,
                    message: "The server at \(origin) accepted the enrollment but sent no agent key. Generate a new registration token on the asset's page and enroll again.")
            }
            return answer
        }
        throw Self.error(for: response, origin: origin, target: request.targetName, sentAgentKey: agentKey != nil)
    }

    static func error(for response: HTTPResponse, origin: String, target: String, sentAgentKey: Bool) -> EnrollmentError {
        let server = AgentAPI.serverError(response)
        let retryAfter = response.headers["retry-after"].flatMap { RetryAfter.seconds($0, now: Date()) }
        switch (response.status, server?.code) {
        case (401, _) where sentAgentKey && (server?.message.lowercased().contains("agent key") ?? false):
            return EnrollmentError(
                kind: .agentKeyRejected,
                message: "The server rejected this agent's key (\(server!.message)), so target \(target) could not be added to this agent. If the agent was revoked, remove its agent key from the configuration and enroll again with a new registration token.")
        case (401, "token_used"):
            return EnrollmentError(
                kind: .tokenUsed,
                message: "This registration token was already used; each token enrolls one target once. Generate a new token on the asset's page and run the install command again.")
        case (401, "token_revoked"):
            return EnrollmentError(
                kind: .tokenRevoked,
                message: "This registration token was replaced by a newer one. Use the newest token from the asset's page, or generate a new one there.")
        case (401, "token_expired"):
            return EnrollmentError(
                kind: .tokenExpired,
                message: "This registration token expired (tokens are valid for 24 hours). Generate a new one on the asset's page.")
        case (401, _):
            return EnrollmentError(
                kind: .tokenInvalid,
                message: "The server did not accept the registration token: it is mistyped, incomplete or unknown to this server. Copy it again from the asset's setup page, or generate a new one there, and check that api_base_url is the server that issued it.")
        case (422, "engine_mismatch"):
            return EnrollmentError(
                kind: .engineMismatch,
                message: "The registration token belongs to an asset of another database engine: \(server!.message) Check db_engine of target \(target), or generate the token on the asset that matches it.")
        case (429, _):
            let wait = retryAfter.map { " Wait \(Int($0.rounded(.up))) seconds before trying again." } ?? " Wait a minute before trying again."
            return EnrollmentError(
                kind: .throttled, message: "The server refused the enrollment because of too many failed attempts from this address.\(wait)",
                retryAfter: retryAfter)
        case (300..<400, _):
            let location = response.headers["location"].map { " to \(CurlTransport.origin(of: $0))" } ?? ""
            return EnrollmentError(
                kind: .unexpectedAnswer,
                message: "The server at \(origin) answered with a redirect (HTTP \(response.status))\(location); the agent does not follow redirects. Set api_base_url to the server's final address.")
        case (400..<500, .some):
            return EnrollmentError(
                kind: .rejected, message: "The server refused the enrollment of target \(target): \(server!.message) (HTTP \(response.status) \(server!.code)).")
        case (500..<600, .some):
            return EnrollmentError(
                kind: .unexpectedAnswer,
                message: "The server failed while enrolling target \(target) (\(AgentAPI.describe(response))). Try again in a minute; if it persists, check the server's log.",
                retryAfter: retryAfter)
        default:
            return EnrollmentError(
                kind: .unexpectedAnswer,
                message: "The server at \(origin) answered the enrollment with HTTP \(response.status), which is not a Logstag answer. Check that api_base_url points at the Logstag server.",
                retryAfter: retryAfter)
        }
    }
}
