import Foundation
import Logging
import LogstagCore
import Synchronization

/// The delivery loop: sends the spool's oldest batch, one spool file per request, until cancelled.
///
/// Contract (one step, `deliverOldest`):
/// - The request is `POST /api/v1/agent/ingest` with the file's bytes (gzip when
///   `compressRequests`), `Idempotency-Key` = the batch id, and the agent key as Bearer token.
/// - 2xx (stored or duplicate): the file is deleted. Nothing is deleted before a 2xx.
/// - 413, or a batch over the wire limits before sending: split in two files (`<id>-a`,
///   `<id>-b`) in the original's place; a batch that cannot be split goes to poison.
/// - 400, 404, 415, 422 with a Logstag error body: poison (with the server's code and
///   message), logged as an error, never retried. Without a Logstag body (another web server
///   answered) it is a temporary failure, so a wrong `api_base_url` never poisons data.
/// - 401/403: nothing is deleted, an error is logged saying how to re-enroll, and the next
///   probe is in 5 minutes; collection keeps filling the spool meanwhile.
/// - 408, 429, 5xx, redirects, transport and TLS failures: retried with `DeliveryPacer`'s
///   backoff, honouring `Retry-After`. TLS verification failures are logged as errors each
///   time (never skipped). After 20 consecutive HTTP 500 answers to the same batch it is
///   poisoned, so one batch that breaks the server cannot block the queue forever.
/// - Mock mode: see `SenderConfiguration.mockMode`.
/// - Secrets never reach the log or `DeliveryStats.lastError`.
public final class Sender: Sendable {
    public let configuration: SenderConfiguration
    private let spool: Spool
    private let transport: any HTTPTransport
    private let logger: Logger
    private let clock: @Sendable () -> Date
    private let sleep: @Sendable (Double) async throws -> Void
    private let random: @Sendable (ClosedRange<Double>) -> Double
    private let idleInterval: Double
    private let executor = BlockingExecutor(label: "logstag.delivery")
    private let counters = Mutex<Counters>(Counters())

    /// Consecutive HTTP 500 answers to one batch before it is poisoned.
    static let maxConsecutiveServerErrors = 20

    private struct Counters {
        var stats = DeliveryStats()
        var serverErrors: (name: String, count: Int)?
    }

    /// - Parameters:
    ///   - clock: wall clock (Retry-After dates, timestamps in the stats).
    ///   - sleep: waits the given seconds; throws when the task is cancelled.
    ///   - random: a uniform random number in the range (the backoff's jitter).
    ///   - idleInterval: seconds between looks at an empty spool.
    public init(
        configuration: SenderConfiguration, spool: Spool, transport: any HTTPTransport, logger: Logger = Logger(label: "logstag.delivery"),
        clock: @escaping @Sendable () -> Date = { Date() },
        sleep: @escaping @Sendable (Double) async throws -> Void = { try await Task.sleep(for: .milliseconds(Int64($0 * 1000))) },
        random: @escaping @Sendable (ClosedRange<Double>) -> Double = { Double.random(in: $0) }, idleInterval: Double = 1
    ) {
        self.configuration = configuration
        self.spool = spool
        self.transport = transport
        self.logger = logger
        self.clock = clock
        self.sleep = sleep
        self.random = random
        self.idleInterval = idleInterval
    }

    /// The counters, with the spool's current size.
    public var stats: DeliveryStats {
        var stats = counters.withLock { $0.stats }
        stats.spoolBytes = spool.byteCount
        stats.spoolBatches = spool.count
        stats.droppedBatches = spool.droppedBatches
        stats.pendingGaps = spool.gaps.count
        return stats
    }

    /// Delivers until the task is cancelled. The blocking work runs on a dedicated queue.
    public func run() async {
        var pacer = DeliveryPacer(idleInterval: idleInterval)
        while !Task.isCancelled {
            guard let attempt = await executor.run({ self.deliverOldest() }) else { return }
            if case .retryLater = attempt {
                counters.withLock { $0.stats.retries += 1 }
            }
            let wait = pacer.delay(after: attempt, random: random)
            if wait > 0 {
                do { try await sleep(wait) } catch { return }
            }
        }
    }

    // MARK: - One step

    /// Sends the oldest spooled batch once and acts on the answer (blocking).
    func deliverOldest() -> DeliveryAttempt {
        spool.dropExpired()
        guard let oldest = spool.oldest() else { return .nothingToSend }
        if configuration.mockMode {
            spool.remove(oldest)
            counters.withLock { $0.stats.discardedBatches += 1 }
            return .discarded
        }
        var entry = oldest
        do {
            entry = try spool.attachGaps(to: oldest)
        } catch {
            logger.warning("Could not add the spool's gap records to the next batch: \(error.message)")
        }
        let json: Data
        let batchID: String
        do {
            json = try spool.data(of: entry)
            batchID = try WireCoding.decoder().decode(BatchIdentity.self, from: json).batchID
        } catch {
            return poison(entry, reason: "The spooled file is damaged and cannot be sent.")
        }
        let body: Data
        if configuration.compressRequests {
            do {
                body = try Gzip.compress(json)
            } catch {
                return temporaryFailure("Could not gzip batch \(batchID) (zlib error \(error)).", retryAfter: nil)
            }
        } else {
            body = json
        }
        if json.count > WireLimits.maxDecompressedBytes || body.count > WireLimits.maxCompressedBytes {
            return split(entry, json: json, why: "it is \(body.count) bytes to send, over the server's limits")
        }
        var headers = AgentAPI.headers(agentKey: configuration.agentKey)
        headers.append(("Idempotency-Key", batchID))
        if configuration.compressRequests {
            headers.append(("Content-Encoding", "gzip"))
        }
        let request = HTTPRequest(
            method: "POST", url: AgentAPI.url(configuration.baseURL, AgentAPI.ingestPath), headers: headers, body: body,
            timeout: configuration.requestTimeout)
        let response: HTTPResponse
        do {
            response = try transport.send(request)
        } catch {
            let message = "Could not deliver batch \(batchID): \(error.message) The batch stays in the spool and is retried."
            if error.isTLSVerification {
                logger.error("\(message)")
            } else {
                logger.warning("\(message)")
            }
            return temporaryFailure(message, retryAfter: nil, logged: true)
        }
        return handle(response, entry: entry, json: json, batchID: batchID)
    }

    private func handle(_ response: HTTPResponse, entry: SpoolEntry, json: Data, batchID: String) -> DeliveryAttempt {
        let status = response.status
        if status != 500 {
            counters.withLock { $0.serverErrors = nil }
        }
        switch status {
        case 200..<300:
            spool.remove(entry)
            let duplicate = (try? JSONDecoder().decode(IngestAnswer.self, from: response.body))?.status == "duplicate"
            let wasRejected = counters.withLock { counters in
                let was = counters.stats.credentialsRejected
                if duplicate { counters.stats.duplicateBatches += 1 } else { counters.stats.sentBatches += 1 }
                counters.stats.lastSuccessAt = clock()
                counters.stats.credentialsRejected = false
                return was
            }
            if wasRejected {
                logger.notice("The server accepts the agent key again; delivery resumed.")
            }
            return .delivered(duplicate: duplicate)
        case 413:
            return split(entry, json: json, why: "the server answered \(AgentAPI.describe(response))")
        case 401, 403:
            let message =
                "The Logstag server rejected this agent's key (\(AgentAPI.describe(response))). The agent keeps collecting into its spool and tries again every 5 minutes. If the agent was revoked or deleted on the server, enroll it again: generate a registration token on the asset's page and run the install command (or logstag --mode setup) on this host."
            logger.error("\(message)")
            counters.withLock { counters in
                counters.stats.credentialsRejected = true
                counters.stats.lastError = message
                counters.stats.lastErrorAt = clock()
            }
            return .credentialsRejected
        case 400, 404, 415, 422:
            guard let error = AgentAPI.serverError(response) else { return unexpected(response, batchID: batchID) }
            return poison(entry, reason: "HTTP \(status) \(error.code): \(error.message)")
        case 408, 429, 500...599:
            let retryAfter = response.headers["retry-after"].flatMap { RetryAfter.seconds($0, now: clock()) }
            if status == 500 {
                let count = counters.withLock { counters -> Int in
                    let count = counters.serverErrors?.name == entry.name ? counters.serverErrors!.count + 1 : 1
                    counters.serverErrors = (entry.name, count)
                    return count
                }
                if count >= Self.maxConsecutiveServerErrors {
                    counters.withLock { $0.serverErrors = nil }
                    return poison(entry, reason: "HTTP 500 on \(count) consecutive attempts: \(AgentAPI.describe(response))")
                }
            }
            let wait = retryAfter.map { " (the server asks to wait \(Int($0.rounded(.up))) s)" } ?? ""
            return temporaryFailure(
                "The server could not take batch \(batchID) right now: \(AgentAPI.describe(response))\(wait). It stays in the spool and is retried.",
                retryAfter: retryAfter)
        default:
            return unexpected(response, batchID: batchID)
        }
    }

    /// An answer that does not come from a working Logstag ingest endpoint: retried, never poisoned.
    private func unexpected(_ response: HTTPResponse, batchID: String) -> DeliveryAttempt {
        let origin = CurlTransport.origin(of: configuration.baseURL)
        let message: String
        if (300..<400).contains(response.status) {
            let location = response.headers["location"].map { " to \(CurlTransport.origin(of: $0))" } ?? ""
            message =
                "The server at \(origin) answered batch \(batchID) with a redirect (HTTP \(response.status))\(location); the agent does not follow redirects. Set api_base_url to the server's final address."
        } else {
            message =
                "The server at \(origin) answered batch \(batchID) with \(AgentAPI.describe(response)), which is not a Logstag ingest answer. Check that api_base_url points at the Logstag server. The batch stays in the spool and is retried."
        }
        logger.error("\(message)")
        return temporaryFailure(message, retryAfter: response.headers["retry-after"].flatMap { RetryAfter.seconds($0, now: clock()) }, logged: true)
    }

    private func split(_ entry: SpoolEntry, json: Data, why: String) -> DeliveryAttempt {
        guard var batch = try? WireCoding.decoder().decode(IngestBatch.self, from: json) else {
            return poison(entry, reason: "The spooled file is damaged and cannot be sent.")
        }
        // Gap rows go back to the spool's waiting list and ride on a later batch.
        for index in batch.payloads.indices {
            batch.payloads[index].signals.removeAll { $0.name == SpoolGap.signalName }
        }
        guard let halves = BatchSplitter.split(batch) else {
            let signal = batch.payloads.first?.signals.first?.name ?? "(none)"
            return poison(
                entry,
                reason: "The batch is too large for the server (\(why)) and cannot be split further: its single signal \(signal) alone is over the limit of \(WireLimits.maxCompressedBytes >> 20) MiB compressed / \(WireLimits.maxDecompressedBytes >> 20) MiB uncompressed."
            )
        }
        do {
            try spool.split(entry, into: halves)
        } catch {
            return temporaryFailure("Could not split batch \(batch.batchID): \(error.message)", retryAfter: nil)
        }
        counters.withLock { $0.stats.splitBatches += 1 }
        logger.notice("Batch \(batch.batchID) was split in two because \(why).")
        return .split
    }

    private func poison(_ entry: SpoolEntry, reason: String) -> DeliveryAttempt {
        spool.moveToPoison(entry, reason: reason)
        let message =
            "The server cannot accept spooled batch \(entry.name) (\(reason)). It was moved to \(spool.poisonDirectory) and will not be retried; the rest of the spool is delivered normally."
        logger.error("\(message)")
        counters.withLock { counters in
            counters.stats.poisonedBatches += 1
            counters.stats.lastError = message
            counters.stats.lastErrorAt = clock()
        }
        return .poisoned
    }

    private func temporaryFailure(_ message: String, retryAfter: Double?, logged: Bool = false) -> DeliveryAttempt {
        if !logged { logger.warning("\(message)") }
        counters.withLock { counters in
            counters.stats.lastError = message
            counters.stats.lastErrorAt = clock()
        }
        return .retryLater(retryAfter: retryAfter)
    }

    /// Only the batch id of a spooled file (the rest is sent as it is).
    private struct BatchIdentity: Decodable {
        var batchID: String
        enum CodingKeys: String, CodingKey { case batchID = "batch_id" }
    }

    /// `{"status": "stored" | "duplicate", "points": N}`
    private struct IngestAnswer: Decodable {
        var status: String
    }
}
