import Foundation
import LogstagCore
import Testing

@testable import LogstagAgent

/// Spool + Sender + CurlTransport against a real HTTP peer that checks the key, gunzips the
/// body and deduplicates by Idempotency-Key the way the Logstag server does.
@Suite("Sender end to end over HTTP", .timeLimit(.minutes(1)))
struct SenderEndToEndTests {
    static let agentKey = "lsa_E2EKEYsecretsecretsecretsecretsecretsecre000000"
    let start = Date(timeIntervalSince1970: 1_750_000_000)

    /// Forwards to a real transport, then loses the answer: the server stored the batch, the
    /// agent never learned it (a crash between send and delete looks the same).
    struct AnswerLost: HTTPTransport {
        let inner: CurlTransport
        func send(_ request: HTTPRequest) throws(TransportError) -> HTTPResponse {
            _ = try inner.send(request)
            throw TransportError(message: "The connection was reset before the answer arrived.")
        }
    }

    func sender(_ spool: Spool, _ transport: any HTTPTransport, baseURL: String, key: String = agentKey) -> Sender {
        Sender(
            configuration: SenderConfiguration(baseURL: baseURL, agentKey: SecretValue(key)), spool: spool, transport: transport,
            logger: DeliveryLogCapture().logger)
    }

    @Test("Batches are stored; a lost answer and a restart lead to a duplicate, not a second copy")
    func storedThenDuplicate() throws {
        let server = try FakeLogstagServer(agentKey: Self.agentKey)
        let directory = DeliveryFixtures.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let spool = try DeliveryFixtures.spool(directory)
        try spool.append([DeliveryFixtures.payload(asset: "a1", at: start, rows: 50)], tier: .high)
        try spool.append([DeliveryFixtures.payload(asset: "a1", at: start.addingTimeInterval(10), rows: 50)], tier: .high)
        let firstBatch = try spool.batch(of: try #require(spool.oldest()))

        #expect(sender(spool, CurlTransport(), baseURL: server.baseURL).deliverOldest() == .delivered(duplicate: false))
        #expect(sender(spool, AnswerLost(inner: CurlTransport()), baseURL: server.baseURL).deliverOldest() == .retryLater(retryAfter: nil))
        #expect(spool.count == 1)

        let restarted = try DeliveryFixtures.spool(directory)
        #expect(sender(restarted, CurlTransport(), baseURL: server.baseURL).deliverOldest() == .delivered(duplicate: true))
        #expect(restarted.count == 0)

        let requests = try server.requests()
        #expect(requests.map(\.outcome) == ["stored", "stored", "duplicate"])
        #expect(requests.allSatisfy { $0.headers["content-encoding"] == "gzip" })
        #expect(requests[1].headers["idempotency-key"] == requests[2].headers["idempotency-key"])
        #expect(try WireCoding.decoder().decode(IngestBatch.self, from: requests[0].decoded) == firstBatch)
    }

    @Test("A wrong agent key is rejected by the server and nothing leaves the spool")
    func wrongKey() throws {
        let server = try FakeLogstagServer(agentKey: Self.agentKey)
        let directory = DeliveryFixtures.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let spool = try DeliveryFixtures.spool(directory)
        try spool.append([DeliveryFixtures.payload(at: start)], tier: .high)
        #expect(sender(spool, CurlTransport(), baseURL: server.baseURL, key: "lsa_wrong").deliverOldest() == .credentialsRejected)
        #expect(spool.count == 1)
    }
}
