/// What the sender needs from the `[agent]` configuration.
///
/// Contract: `baseURL` is `api_base_url` (http or https); `agentKey` is the enrolled agent's
/// `lsa_` key; `compressRequests` is `compress_request_payload` (gzip bodies, default on);
/// `mockMode` never contacts the server: each spooled batch is deleted unsent (after the
/// `export_to_file` copy, which the spool writes), so the spool stays empty and nothing is
/// delivered later. `requestTimeout` bounds one ingest request in seconds.
public struct SenderConfiguration: Sendable {
    public var baseURL: String
    public var agentKey: SecretValue
    public var compressRequests: Bool
    public var mockMode: Bool
    public var requestTimeout: Double

    public init(baseURL: String, agentKey: SecretValue, compressRequests: Bool = true, mockMode: Bool = false, requestTimeout: Double = 30) {
        self.baseURL = baseURL
        self.agentKey = agentKey
        self.compressRequests = compressRequests
        self.mockMode = mockMode
        self.requestTimeout = requestTimeout
    }
}
