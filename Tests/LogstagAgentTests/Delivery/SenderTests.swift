import Foundation
import LogstagCore
import Synchronization
import Testing

@testable import LogstagAgent

@Suite("Sender: delivery policy against a scripted server")
struct SenderTests {
    let start = Date(timeIntervalSince1970: 1_750_000_000)
    static let agentKey = "lsa_TESTKEYsecretsecretsecretsecretsecret000000"

    struct Harness {
        let directory: String
        let spool: Spool
        let transport: ScriptedTransport
        let sender: Sender
        let logs: DeliveryLogCapture

        func cleanUp() { try? FileManager.default.removeItem(atPath: directory) }
    }

    func harness(
        _ steps: [ScriptedTransport.Step], directory: String = DeliveryFixtures.directory(), compress: Bool = true, mockMode: Bool = false,
        clock: DeliveryTestClock? = nil, sleep: @escaping @Sendable (Double) async throws -> Void = { _ in },
        random: @escaping @Sendable (ClosedRange<Double>) -> Double = { $0.upperBound }
    ) throws -> Harness {
        let logs = DeliveryLogCapture()
        let clock = clock ?? DeliveryTestClock(start)
        let spool = try DeliveryFixtures.spool(directory, clock: clock, logger: logs.logger)
        let transport = ScriptedTransport(steps)
        let sender = Sender(
            configuration: SenderConfiguration(
                baseURL: "https://logstag.example.test/", agentKey: SecretValue(Self.agentKey), compressRequests: compress, mockMode: mockMode),
            spool: spool, transport: transport, logger: logs.logger, clock: clock.function, sleep: sleep, random: random)
        return Harness(directory: directory, spool: spool, transport: transport, sender: sender, logs: logs)
    }

    static let stored = ScriptedTransport.json(200, #"{"status":"stored","points":3}"#)
    static let duplicate = ScriptedTransport.json(200, #"{"status":"duplicate"}"#)

    @Test("A stored batch: gzip body equal to the spool file, Idempotency-Key = batch id, Bearer key; then the file is gone")
    func delivered() throws {
        let h = try harness([Self.stored])
        defer { h.cleanUp() }
        try h.spool.append([DeliveryFixtures.payload(at: start)], tier: .high)
        let entry = try #require(h.spool.oldest())
        let file = try h.spool.data(of: entry)
        let batchID = try h.spool.batch(of: entry).batchID

        #expect(h.sender.deliverOldest() == .delivered(duplicate: false))
        let request = try #require(h.transport.requests.first)
        #expect(request.method == "POST")
        #expect(request.url == "https://logstag.example.test/api/v1/agent/ingest")
        #expect(request.header("Idempotency-Key") == batchID)
        #expect(request.header("Authorization") == "Bearer \(Self.agentKey)")
        #expect(request.header("Content-Encoding") == "gzip")
        #expect(request.header("Content-Type") == "application/json")
        #expect(try Gzip.decompress(try #require(request.body), limit: 8 << 20) == file)
        #expect(h.spool.count == 0)
        let stats = h.sender.stats
        #expect(stats.sentBatches == 1)
        #expect(stats.lastSuccessAt == start)
        #expect(stats.spoolBatches == 0)
    }

    @Test("compress_request_payload = false sends the JSON as it is, without Content-Encoding")
    func identityEncoding() throws {
        let h = try harness([Self.stored], compress: false)
        defer { h.cleanUp() }
        try h.spool.append([DeliveryFixtures.payload(at: start)], tier: .high)
        let file = try h.spool.data(of: try #require(h.spool.oldest()))
        #expect(h.sender.deliverOldest() == .delivered(duplicate: false))
        let request = try #require(h.transport.requests.first)
        #expect(request.header("Content-Encoding") == nil)
        #expect(request.body == file)
    }

    @Test("A duplicate answer also removes the batch and is counted as such")
    func duplicate() throws {
        let h = try harness([Self.duplicate])
        defer { h.cleanUp() }
        try h.spool.append([DeliveryFixtures.payload(at: start)], tier: .high)
        #expect(h.sender.deliverOldest() == .delivered(duplicate: true))
        #expect(h.spool.count == 0)
        #expect(h.sender.stats.duplicateBatches == 1)
        #expect(h.sender.stats.sentBatches == 0)
    }

    @Test("413 splits payloads in two (<id>-a, <id>-b), then a single payload's signals; a single signal goes to poison")
    func splitOn413() throws {
        let tooLarge = ScriptedTransport.error(413, code: "payload_too_large", message: "Batches are limited to 1 MiB compressed; send smaller batches.")
        let h = try harness([tooLarge, Self.stored, tooLarge, tooLarge, Self.stored, tooLarge])
        defer { h.cleanUp() }
        let payloads = [
            DeliveryFixtures.payload(asset: "p0", at: start, signals: 1), DeliveryFixtures.payload(asset: "p1", at: start, signals: 1),
            DeliveryFixtures.payload(asset: "p2", at: start, signals: 2), DeliveryFixtures.payload(asset: "p3", at: start, signals: 1),
        ]
        try h.spool.append(payloads, tier: .high)
        let id = try h.spool.batch(of: try #require(h.spool.oldest())).batchID

        #expect(h.sender.deliverOldest() == .split)
        #expect(try h.spool.entries().map { try h.spool.batch(of: $0).batchID } == [id + "-a", id + "-b"])
        #expect(h.sender.deliverOldest() == .delivered(duplicate: false))  // <id>-a: p0, p1
        #expect(h.sender.deliverOldest() == .split)  // <id>-b: p2, p3 -> p2 | p3
        #expect(try h.spool.entries().map { try h.spool.batch(of: $0).batchID } == [id + "-b-a", id + "-b-b"])
        #expect(h.sender.deliverOldest() == .split)  // <id>-b-a: p2 with two signals -> signal halves
        let signalHalves = try h.spool.entries().prefix(2).map { try h.spool.batch(of: $0) }
        #expect(signalHalves.map(\.batchID) == [id + "-b-a-a", id + "-b-a-b"])
        #expect(signalHalves.map { $0.payloads.map(\.assetID) } == [["p2"], ["p2"]])
        #expect(signalHalves.map { $0.payloads[0].signals.map(\.name) } == [["signal_0"], ["signal_1"]])
        #expect(h.sender.deliverOldest() == .delivered(duplicate: false))
        #expect(h.sender.deliverOldest() == .poisoned)  // <id>-b-a-b: one payload, one signal, still 413
        let keys = h.transport.requests.map { $0.header("Idempotency-Key") }
        #expect(keys == [id, id + "-a", id + "-b", id + "-b-a", id + "-b-a-a", id + "-b-a-b"])
        #expect(h.spool.entries().count == 1)  // <id>-b-b (p3) waits
        #expect(try h.spool.batch(of: h.spool.entries()[0]).batchID == id + "-b-b")
        #expect(h.sender.stats.splitBatches == 3)
        #expect(h.sender.stats.poisonedBatches == 1)
        #expect(h.spool.poisonCount == 1)
    }

    @Test("A batch over the wire limits is split before sending, without a request")
    func splitBeforeSending() throws {
        let h = try harness([])
        defer { h.cleanUp() }
        let big = (0..<3).map { DeliveryFixtures.incompressible(asset: "noise\($0)", at: start, bytes: 800_000) }
        try h.spool.append(big, tier: .high)
        #expect(h.sender.deliverOldest() == .split)
        #expect(h.transport.requests.isEmpty)
        #expect(h.spool.count == 2)
    }

    @Test("400 with a Logstag error goes to poison with the server's code and message, logged as an error; the next batch goes on")
    func poisonOn400() throws {
        let h = try harness([ScriptedTransport.error(400, code: "invalid_batch", message: "Signal names must be snake_case."), Self.stored])
        defer { h.cleanUp() }
        try h.spool.append([DeliveryFixtures.payload(asset: "bad", at: start)], tier: .high)
        try h.spool.append([DeliveryFixtures.payload(asset: "good", at: start)], tier: .high)
        let bad = try #require(h.spool.oldest())
        #expect(h.sender.deliverOldest() == .poisoned)
        let reason = try String(contentsOfFile: h.directory + "/poison/" + bad.name + ".reason", encoding: .utf8)
        #expect(reason.contains("HTTP 400 invalid_batch: Signal names must be snake_case."))
        #expect(h.logs.messages(atLeast: .error).contains { $0.contains("invalid_batch") && $0.contains("poison") })
        #expect(h.sender.deliverOldest() == .delivered(duplicate: false))
        #expect(h.spool.count == 0)
    }

    @Test("422 and 404 from Logstag poison too; a 404 page from another web server does not")
    func poisonOnlyLogstagErrors() throws {
        let h = try harness([
            ScriptedTransport.error(422, code: "idempotency_key_reused", message: "This Idempotency-Key was already used for a different batch."),
            .respond(HTTPResponse(status: 404, headers: ["content-type": "text/html"], body: Data("<html>Not Found</html>".utf8))),
            ScriptedTransport.error(404, code: "not_found", message: "Asset x is not bound to this agent."),
        ])
        defer { h.cleanUp() }
        try h.spool.append([DeliveryFixtures.payload(asset: "one", at: start)], tier: .high)
        try h.spool.append([DeliveryFixtures.payload(asset: "two", at: start)], tier: .high)
        #expect(h.sender.deliverOldest() == .poisoned)
        #expect(h.sender.deliverOldest() == .retryLater(retryAfter: nil))
        #expect(h.spool.count == 1)
        #expect(h.logs.messages(atLeast: .error).contains { $0.contains("api_base_url") })
        #expect(h.sender.deliverOldest() == .poisoned)
        #expect(h.spool.count == 0)
        #expect(h.spool.poisonCount == 2)
    }

    @Test("401 stops delivery: nothing is deleted, the error says how to re-enroll and never shows the key; a later success clears it")
    func credentialsRejected() throws {
        let h = try harness([ScriptedTransport.error(401, code: "token_revoked", message: "The agent key was revoked."), Self.stored])
        defer { h.cleanUp() }
        try h.spool.append([DeliveryFixtures.payload(at: start)], tier: .high)
        #expect(h.sender.deliverOldest() == .credentialsRejected)
        #expect(h.spool.count == 1)
        #expect(h.sender.stats.credentialsRejected)
        let errors = h.logs.messages(atLeast: .error)
        #expect(errors.contains { $0.contains("token_revoked") && $0.contains("enroll it again") })
        #expect(h.logs.all.allSatisfy { !$0.message.contains(Self.agentKey) })
        #expect(h.sender.stats.lastError?.contains(Self.agentKey) == false)
        #expect(h.sender.deliverOldest() == .delivered(duplicate: false))
        #expect(!h.sender.stats.credentialsRejected)
    }

    @Test("503 with Retry-After, transport failures and 429 are temporary: the batch stays")
    func temporaryFailures() throws {
        let h = try harness([
            ScriptedTransport.error(503, code: "overloaded", message: "busy", headers: ["retry-after": "12"]),
            .fail(TransportError(message: "Could not connect.")),
            ScriptedTransport.error(429, code: "throttled", message: "slow down", headers: ["retry-after": "Sun, 15 Jun 2025 15:07:00 GMT"]),
            ScriptedTransport.json(502, "<html>bad gateway</html>"),
        ])
        defer { h.cleanUp() }
        try h.spool.append([DeliveryFixtures.payload(at: start)], tier: .high)
        #expect(h.sender.deliverOldest() == .retryLater(retryAfter: 12))
        #expect(h.sender.deliverOldest() == .retryLater(retryAfter: nil))
        // start is 2025-06-15T15:06:40Z, so the date is 20 s later.
        #expect(h.sender.deliverOldest() == .retryLater(retryAfter: 20))
        #expect(h.sender.deliverOldest() == .retryLater(retryAfter: nil))
        #expect(h.spool.count == 1)
        #expect(h.spool.poisonCount == 0)
    }

    @Test("TLS verification failures are logged as errors every time and retried; other transport failures are warnings")
    func tlsFailureLogged() throws {
        let tls = TransportError(message: "The TLS certificate could not be verified. Set server_ca_file.", isTLSVerification: true)
        let h = try harness([.fail(tls), .fail(tls), .fail(TransportError(message: "Could not connect."))])
        defer { h.cleanUp() }
        try h.spool.append([DeliveryFixtures.payload(at: start)], tier: .high)
        for _ in 0..<3 { #expect(h.sender.deliverOldest() == .retryLater(retryAfter: nil)) }
        #expect(h.logs.messages(atLeast: .error).filter { $0.contains("server_ca_file") }.count == 2)
        #expect(h.logs.all.contains { $0.level == .warning && $0.message.contains("Could not connect.") })
        #expect(h.spool.count == 1)
    }

    @Test("20 consecutive HTTP 500 answers to the same batch poison it")
    func poisonAfterRepeated500() throws {
        let failure = ScriptedTransport.error(500, code: "internal", message: "boom")
        let h = try harness(Array(repeating: failure, count: 20))
        defer { h.cleanUp() }
        try h.spool.append([DeliveryFixtures.payload(at: start)], tier: .high)
        for _ in 0..<19 { #expect(h.sender.deliverOldest() == .retryLater(retryAfter: nil)) }
        #expect(h.sender.deliverOldest() == .poisoned)
        #expect(h.spool.count == 0)
    }

    @Test("Mock mode never sends; spooled batches are dropped")
    func mockMode() throws {
        let h = try harness([], mockMode: true)
        defer { h.cleanUp() }
        try h.spool.append([DeliveryFixtures.payload(at: start)], tier: .high)
        try h.spool.append([DeliveryFixtures.payload(at: start)], tier: .low)
        #expect(h.sender.deliverOldest() == .discarded)
        #expect(h.sender.deliverOldest() == .discarded)
        #expect(h.sender.deliverOldest() == .nothingToSend)
        #expect(h.transport.requests.isEmpty)
        #expect(h.sender.stats.discardedBatches == 2)
    }

    @Test("A crash between send and delete: the restarted agent resends the same id and the same bytes")
    func resendAfterCrash() throws {
        let directory = DeliveryFixtures.directory()
        let clock = DeliveryTestClock(start)
        // The server stored the batch but the answer never arrived (or the agent died first).
        let before = try harness([.fail(TransportError(message: "Connection reset."))], directory: directory, clock: clock)
        defer { before.cleanUp() }
        try before.spool.append([DeliveryFixtures.payload(at: start)], tier: .high)
        #expect(before.sender.deliverOldest() == .retryLater(retryAfter: nil))

        let after = try harness([Self.duplicate], directory: directory, clock: clock)
        #expect(after.sender.deliverOldest() == .delivered(duplicate: true))
        let first = try #require(before.transport.requests.first)
        let second = try #require(after.transport.requests.first)
        #expect(first.header("Idempotency-Key") == second.header("Idempotency-Key"))
        #expect(try Gzip.decompress(first.body!, limit: 1 << 20) == Gzip.decompress(second.body!, limit: 1 << 20))
        #expect(after.spool.count == 0)
    }

    @Test("Gaps ship with the asset's next batch, survive a failed send and a restart unchanged, and clear on acknowledgement")
    func gapsShipped() throws {
        let directory = DeliveryFixtures.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = DeliveryTestClock(start)
        let probe = try DeliveryFixtures.spool(DeliveryFixtures.directory(), clock: clock)
        try probe.append([DeliveryFixtures.payload(asset: "A", at: start, padding: 300)], tier: .high)
        let size = probe.byteCount
        try? FileManager.default.removeItem(atPath: probe.directory)

        let spool = try DeliveryFixtures.spool(directory, maxBytes: size + size / 2, clock: clock)
        try spool.append([DeliveryFixtures.payload(asset: "A", at: start, padding: 300)], tier: .high)
        clock.advance(10)
        try spool.append([DeliveryFixtures.payload(asset: "A", at: clock.date, padding: 300)], tier: .high)
        #expect(spool.gaps.count == 1)

        let failing = ScriptedTransport([ScriptedTransport.error(503, code: "overloaded", message: "busy")])
        let config = SenderConfiguration(baseURL: "https://logstag.example.test", agentKey: SecretValue(Self.agentKey))
        #expect(Sender(configuration: config, spool: spool, transport: failing, clock: clock.function).deliverOldest() == .retryLater(retryAfter: nil))

        let reopened = try DeliveryFixtures.spool(directory, maxBytes: size + size / 2, clock: clock)
        let succeeding = ScriptedTransport([Self.stored])
        #expect(Sender(configuration: config, spool: reopened, transport: succeeding, clock: clock.function).deliverOldest() == .delivered(duplicate: false))
        let firstBody = try Gzip.decompress(failing.requests[0].body!, limit: 1 << 20)
        let secondBody = try Gzip.decompress(succeeding.requests[0].body!, limit: 1 << 20)
        #expect(firstBody == secondBody)
        let batch = try WireCoding.decoder().decode(IngestBatch.self, from: secondBody)
        let gapSignal = try #require(batch.payloads[0].signals.first { $0.name == "agent_spool_gaps" })
        #expect(gapSignal.rows.first?["dropped_batches"] == 1)
        #expect(gapSignal.rows.first?["from"] == .string(WireDate.format(start)))
        #expect(reopened.gaps.isEmpty)
    }

    @Test("The loop waits Retry-After, then jittered backoff, resets after a success, idles on an empty spool, and stops when cancelled")
    func runLoop() async throws {
        let waits = Mutex<[Double]>([])
        let h = try harness(
            [
                ScriptedTransport.error(503, code: "overloaded", message: "busy", headers: ["retry-after": "7"]),
                ScriptedTransport.error(503, code: "overloaded", message: "busy"),
                .fail(TransportError(message: "Connection refused.")),
                Self.stored,
                ScriptedTransport.error(503, code: "overloaded", message: "busy"),
                Self.stored,
            ],
            sleep: { seconds in
                let count = waits.withLock { waits in
                    waits.append(seconds)
                    return waits.count
                }
                if count >= 6 { throw CancellationError() }
            })
        defer { h.cleanUp() }
        try h.spool.append([DeliveryFixtures.payload(asset: "one", at: start)], tier: .high)
        try h.spool.append([DeliveryFixtures.payload(asset: "two", at: start)], tier: .high)
        await h.sender.run()
        // 503 + Retry-After 7 -> max(jitter 1, 7); 503 -> 2; refused -> 4; stored (no wait);
        // 503 -> 1 again (reset); stored; empty spool -> idle 1 s, then the sleep throws.
        #expect(waits.withLock { $0 } == [7, 2, 4, 1, 1, 1])
        #expect(h.sender.stats.retries == 4)
        #expect(h.sender.stats.sentBatches == 2)
    }

    @Test("Cancelling the task ends run() even in the middle of a long wait")
    func cancellation() async throws {
        // Every wait is a minute long: only cancellation can end run() within the test.
        let h = try harness([], sleep: { _ in try await Task.sleep(for: .seconds(60)) })
        defer { h.cleanUp() }
        let task = Task { await h.sender.run() }
        try await Task.sleep(for: .milliseconds(200))
        let started = ContinuousClock.now
        task.cancel()
        await task.value
        #expect(ContinuousClock.now - started < .seconds(20))
    }
}

@Suite("DeliveryPacer and Retry-After")
struct DeliveryPacerTests {
    @Test("Backoff doubles from 1 s and is capped at 300 s; full jitter draws from 0 up to it")
    func cappedAndJittered() {
        var pacer = DeliveryPacer()
        var ranges: [ClosedRange<Double>] = []
        var delays: [Double] = []
        for _ in 0..<12 {
            delays.append(pacer.delay(after: .retryLater(retryAfter: nil)) { range in
                ranges.append(range)
                return range.upperBound
            })
        }
        #expect(delays == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300])
        #expect(ranges.allSatisfy { $0.lowerBound == 0 })
        var jittered = DeliveryPacer()
        #expect(jittered.delay(after: .retryLater(retryAfter: nil)) { _ in 0.25 } == 0.25)
    }

    @Test("Retry-After is a floor (capped at an hour); success resets; a rejected key waits 5 minutes; idle waits 1 s")
    func rules() {
        var pacer = DeliveryPacer()
        let upper: (ClosedRange<Double>) -> Double = { $0.upperBound }
        #expect(pacer.delay(after: .retryLater(retryAfter: 30), random: upper) == 30)
        #expect(pacer.delay(after: .retryLater(retryAfter: 0.5), random: upper) == 2)
        #expect(pacer.delay(after: .retryLater(retryAfter: 86_400), random: upper) == 3_600)
        #expect(pacer.delay(after: .delivered(duplicate: false), random: upper) == 0)
        #expect(pacer.delay(after: .retryLater(retryAfter: nil), random: upper) == 1)
        #expect(pacer.delay(after: .credentialsRejected, random: upper) == 300)
        #expect(pacer.delay(after: .nothingToSend, random: upper) == 1)
        #expect(pacer.delay(after: .split, random: upper) == 0)
        #expect(pacer.delay(after: .poisoned, random: upper) == 0)
    }

    @Test("Retry-After parses delay-seconds and IMF-fixdate, and rejects anything else")
    func retryAfter() {
        let now = Date(timeIntervalSince1970: 784_111_777)  // Sun, 06 Nov 1994 08:49:37 GMT
        #expect(RetryAfter.seconds("120", now: now) == 120)
        #expect(RetryAfter.seconds("Sun, 06 Nov 1994 08:50:07 GMT", now: now) == 30)
        #expect(RetryAfter.seconds("Sun, 06 Nov 1994 08:00:00 GMT", now: now) == 0)
        #expect(RetryAfter.seconds("soon", now: now) == nil)
        #expect(RetryAfter.seconds("-5", now: now) == nil)
        #expect(RetryAfter.seconds("Sun, 06 Foo 1994 08:49:37 GMT", now: now) == nil)
    }
}
