import Foundation
import Logging
import LogstagCore
import Synchronization

/// The on-disk, size-capped queue of batches waiting for the server (`<state_dir>/spool/`).
///
/// Contract:
/// - One file per batch, `<sequence>-<tier>.batch`, holding the JSON `IngestBatch` exactly as
///   it is sent. The batch id is assigned when the file is written, so a resend after a crash
///   carries the same id and the same bytes and the server stores it once.
/// - Every write is temp file + fsync + rename + directory fsync: a crash leaves whole files.
/// - `byteCount` never exceeds `maxBytes`: to make room, the oldest high-tier files go first,
///   then medium, then low, and schema files only when nothing else is left. Each dropped
///   file (and each file older than `maxAge`) becomes a `SpoolGap` per asset and tier,
///   persisted in `gaps.json` and shipped inside a later batch of the same asset (see
///   `attachGaps(to:)`); a gap is forgotten only once that batch was acknowledged (`remove`).
/// - Rejected batches go to `poison/` with a `.reason` file; only the newest `poisonLimit` are kept.
/// - Memory stays flat: the spool keeps only an index (name, sequence, tier, size) and the
///   gap list; at most one batch is in memory at a time.
/// - Thread-safe; the methods do blocking file I/O under one lock.
public final class Spool: Sendable {
    public let directory: String
    public let maxBytes: Int
    /// Files older than this are dropped (and reported as gaps); the server keeps idempotency
    /// keys for 8 days, so a resend is always recognised as a duplicate.
    public let maxAge: TimeInterval
    public let poisonLimit: Int

    private let hostname: String
    private let agentVersion: String
    private let exporter: BatchExporter?
    private let clock: @Sendable () -> Date
    private let logger: Logger
    private let state: Mutex<State>

    /// Most gap records kept; beyond it the oldest waiting ones are forgotten.
    static let maxGaps = 1_000
    /// Seconds between two "spool full" warnings (drops in between are counted, not logged).
    static let dropLogInterval: TimeInterval = 60

    private struct State {
        var entries: [SpoolEntry] = []
        var bytes = 0
        var gaps: [SpoolGap] = []
        var lastSequence: UInt64 = 0
        var droppedBatches = 0
        var unloggedDrops = 0
        var lastDropLog: Date?
    }

    var poisonDirectory: String { (directory as NSString).appendingPathComponent("poison") }
    var gapsPath: String { (directory as NSString).appendingPathComponent("gaps.json") }

    /// Opens (or creates, 0700) the spool in `directory` and indexes the batches a previous
    /// run left behind; stray temporary files from an interrupted write are deleted.
    public init(
        directory: String, maxBytes: Int, hostname: String, agentVersion: String, maxAge: TimeInterval = 7 * 86_400,
        poisonLimit: Int = 100, exportDirectory: String? = nil, clock: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "logstag.spool")
    ) throws(SpoolError) {
        self.directory = directory
        self.maxBytes = maxBytes
        self.maxAge = maxAge
        self.poisonLimit = poisonLimit
        self.hostname = hostname
        self.agentVersion = agentVersion
        self.exporter = exportDirectory.map { BatchExporter(directory: $0) }
        self.clock = clock
        self.logger = logger
        var initial = State()
        do throws(DurableFile.Failure) {
            try DurableFile.makeDirectory(directory)
            try DurableFile.makeDirectory((directory as NSString).appendingPathComponent("poison"))
        } catch {
            throw SpoolError(message: error.message)
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw SpoolError(message: "Could not list the spool directory \(directory): \(error.localizedDescription).")
        }
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            if name.hasSuffix(DurableFile.temporarySuffix) {
                try? DurableFile.remove(path)
            } else if let entry = SpoolEntry(fileName: name, size: Self.fileSize(path)) {
                initial.entries.append(entry)
                initial.bytes += entry.size
            }
        }
        initial.entries.sort { $0.name < $1.name }
        let poisoned = (try? FileManager.default.contentsOfDirectory(atPath: (directory as NSString).appendingPathComponent("poison"))) ?? []
        let sequences = initial.entries.map(\.sequence) + poisoned.compactMap { SpoolEntry(fileName: $0, size: 0)?.sequence }
        initial.lastSequence = sequences.max() ?? 0
        initial.gaps = Self.loadGaps(from: (directory as NSString).appendingPathComponent("gaps.json"), logger: logger)
        // A gap attached to a file that is gone was acknowledged before a crash cut short the
        // bookkeeping (drops and poison release their gaps before deleting the file).
        let present = Set(initial.entries.map(\.name))
        let before = initial.gaps.count
        initial.gaps.removeAll { gap in gap.attachedTo.map { !present.contains($0) } ?? false }
        state = Mutex(initial)
        if initial.gaps.count != before {
            state.withLock { persistGaps($0) }
        }
    }

    // MARK: - Reading the state

    /// The next batch to send: the oldest file.
    public func oldest() -> SpoolEntry? {
        state.withLock { $0.entries.first }
    }

    /// Every spooled entry, oldest first.
    public func entries() -> [SpoolEntry] {
        state.withLock { $0.entries }
    }

    /// Bytes of all spooled batch files (poison and gaps excluded).
    public var byteCount: Int { state.withLock { $0.bytes } }

    /// Number of spooled batch files.
    public var count: Int { state.withLock { $0.entries.count } }

    /// Batch files dropped (spool full or too old) since this spool was opened.
    public var droppedBatches: Int { state.withLock { $0.droppedBatches } }

    /// Every gap not yet acknowledged by the server, waiting or attached to a batch.
    public var gaps: [SpoolGap] { state.withLock { $0.gaps } }

    /// Number of batches kept in `poison/`.
    public var poisonCount: Int { poisonNames().count }

    /// The file's bytes: the JSON batch exactly as it is sent.
    public func data(of entry: SpoolEntry) throws(SpoolError) -> Data {
        guard let data = FileManager.default.contents(atPath: path(of: entry)) else {
            throw SpoolError(message: "Could not read the spooled batch \(path(of: entry)); it may have been deleted or be unreadable.")
        }
        return data
    }

    /// The decoded batch of an entry.
    public func batch(of entry: SpoolEntry) throws(SpoolError) -> IngestBatch {
        try decode(try data(of: entry), entry: entry)
    }

    // MARK: - Writing

    /// Writes one batch of `payloads` collected on `tier`, making room first (see the contract).
    /// A batch larger than the whole spool is not written: it is recorded as a gap and this
    /// throws. Also writes the debug export when configured (an export failure is only logged).
    public func append(_ payloads: [TargetPayload], tier: Tier) throws(SpoolError) {
        guard !payloads.isEmpty else { return }
        let now = clock()
        try state.withLock { (state: inout State) throws(SpoolError) in
            let sequence = max(state.lastSequence + 1, Self.microseconds(now))
            let batch = IngestBatch(batchID: Self.newBatchID(), agentVersion: agentVersion, hostname: hostname, sentAt: now, payloads: payloads)
            let json = try encode(batch)
            guard json.count <= maxBytes else {
                recordGaps(for: payloads, tier: tier, in: &state)
                state.droppedBatches += 1
                persistGaps(state)
                throw SpoolError(
                    message: "A \(tier.rawValue)-tier batch of \(json.count) bytes is larger than the whole spool (\(maxBytes) bytes), so it was dropped. Raise the spool size limit.")
            }
            while state.bytes + json.count > maxBytes, let victim = Self.evictionCandidate(in: state.entries) {
                evict(victim, from: &state, because: "the spool is full")
            }
            let entry = SpoolEntry(sequence: sequence, tier: tier, size: json.count)
            do throws(DurableFile.Failure) {
                try DurableFile.save(json, to: path(of: entry))
            } catch {
                throw SpoolError(message: error.message)
            }
            state.lastSequence = sequence
            state.entries.append(entry)
            state.bytes += entry.size
            if let exporter {
                do throws(DurableFile.Failure) {
                    try exporter.export(json, sequence: sequence)
                } catch {
                    logger.warning("Could not write the export file: \(error.message)")
                }
            }
        }
    }

    /// Acknowledged by the server: deletes the file and forgets the gaps its batch carried.
    public func remove(_ entry: SpoolEntry) {
        state.withLock { state in
            do throws(DurableFile.Failure) {
                try DurableFile.remove(path(of: entry))
            } catch {
                logger.error("Could not delete the delivered batch: \(error.message)")
            }
            dropFromIndex(entry, &state)
            let before = state.gaps.count
            state.gaps.removeAll { $0.attachedTo == entry.name }
            if state.gaps.count != before { persistGaps(state) }
        }
    }

    /// Rejected by the server: moves the file to `poison/` with `reason` (the server's code and
    /// message) next to it, releases its gaps to the next batch, and trims `poison/`.
    public func moveToPoison(_ entry: SpoolEntry, reason: String) {
        state.withLock { state in
            releaseGaps(of: entry, &state)
            let target = (poisonDirectory as NSString).appendingPathComponent(entry.name)
            do throws(DurableFile.Failure) {
                try DurableFile.makeDirectory(poisonDirectory)
                try DurableFile.move(path(of: entry), to: target)
                let note = "\(WireDate.format(clock())) \(reason)\n"
                try DurableFile.save(Data(note.utf8), to: target + ".reason", durable: false)
            } catch {
                logger.error("Could not move the rejected batch to the poison folder: \(error.message)")
                try? DurableFile.remove(path(of: entry))
            }
            dropFromIndex(entry, &state)
            trimPoison()
        }
    }

    /// Replaces `entry` by the two batches of `halves`, written as `<name>-a` and `<name>-b`
    /// in its place in the queue (after a 413 or a local size check).
    func split(_ entry: SpoolEntry, into halves: [IngestBatch]) throws(SpoolError) {
        precondition(halves.count == 2, "a split makes exactly two batches")
        try state.withLock { (state: inout State) throws(SpoolError) in
            for (suffix, batch) in zip(["a", "b"], halves) {
                let json = try encode(batch)
                let half = entry.half(suffix, size: json.count)
                do throws(DurableFile.Failure) {
                    try DurableFile.save(json, to: path(of: half))
                } catch {
                    throw SpoolError(message: error.message)
                }
                insertSorted(half, &state)
            }
            releaseGaps(of: entry, &state)
            try? DurableFile.remove(path(of: entry))
            dropFromIndex(entry, &state)
        }
    }

    /// Adds the waiting gaps of the assets in `entry`'s batch to that batch, as one
    /// `agent_spool_gaps` signal in the asset's first payload, and rewrites the file before it
    /// is sent. Once attached, the batch's bytes never change again (a resend must be
    /// identical). Returns the entry with its new size (or unchanged when nothing was attached).
    func attachGaps(to entry: SpoolEntry) throws(SpoolError) -> SpoolEntry {
        try state.withLock { (state: inout State) throws(SpoolError) -> SpoolEntry in
            guard state.gaps.contains(where: { $0.attachedTo == nil }),
                !state.gaps.contains(where: { $0.attachedTo == entry.name }),
                state.entries.contains(entry)
            else { return entry }
            var batch = try decode(try data(of: entry), entry: entry)
            // Leftovers of an attach cut short by a crash (never sent: the gaps were not
            // recorded as attached) are replaced by the current rows.
            for index in batch.payloads.indices {
                batch.payloads[index].signals.removeAll { $0.name == SpoolGap.signalName }
            }
            var carried: [Int] = []
            var seenAssets = Set<String>()
            for index in batch.payloads.indices {
                let payload = batch.payloads[index]
                guard seenAssets.insert(payload.assetID).inserted, payload.signals.count < WireLimits.maxSignalsPerPayload else { continue }
                let waiting = state.gaps.indices.filter { state.gaps[$0].attachedTo == nil && state.gaps[$0].assetID == payload.assetID }
                guard !waiting.isEmpty else { continue }
                let rows = waiting.map { state.gaps[$0] }.sorted { ($0.tier.rawValue, $0.from) < ($1.tier.rawValue, $1.from) }.map(\.row)
                batch.payloads[index].signals.append(SignalPayload(name: SpoolGap.signalName, status: .ok, durationMs: 0, rows: rows))
                carried += waiting
            }
            guard !carried.isEmpty else { return entry }
            let json = try encode(batch)
            do throws(DurableFile.Failure) {
                try DurableFile.save(json, to: path(of: entry))
            } catch {
                throw SpoolError(message: error.message)
            }
            let resized = entry.resized(json.count)
            if let position = state.entries.firstIndex(of: entry) {
                state.entries[position] = resized
            }
            state.bytes += json.count - entry.size
            for index in carried {
                state.gaps[index].attachedTo = entry.name
            }
            persistGaps(state)
            return resized
        }
    }

    /// Drops (as gaps) the files older than `maxAge`.
    public func dropExpired() {
        let cutoff = clock().addingTimeInterval(-maxAge)
        state.withLock { state in
            while let first = state.entries.first, first.createdAt < cutoff {
                evict(first, from: &state, because: "it is older than \(Int(maxAge / 86_400)) days")
            }
        }
    }

    // MARK: - Eviction and gaps

    /// The oldest high-tier file, else medium, else low, else schema.
    private static func evictionCandidate(in entries: [SpoolEntry]) -> SpoolEntry? {
        for tier in [Tier.high, .medium, .low, .schema] {
            if let entry = entries.first(where: { $0.tier == tier }) { return entry }
        }
        return nil
    }

    private func evict(_ entry: SpoolEntry, from state: inout State, because reason: String) {
        let batch = try? decode(try data(of: entry), entry: entry)
        releaseGaps(of: entry, &state)
        if let batch {
            recordGaps(for: batch.payloads, tier: entry.tier, in: &state)
        }
        persistGaps(state)
        do throws(DurableFile.Failure) {
            try DurableFile.remove(path(of: entry))
        } catch {
            logger.error("Could not delete a dropped batch: \(error.message)")
        }
        dropFromIndex(entry, &state)
        state.droppedBatches += 1
        state.unloggedDrops += 1
        let now = clock()
        if state.lastDropLog.map({ now.timeIntervalSince($0) >= Self.dropLogInterval }) ?? true {
            logger.warning(
                "Dropped \(state.unloggedDrops) spooled batch(es), oldest \(entry.tier.rawValue)-tier first, because \(reason) (\(maxBytes) bytes). The server is told about the gap once it is reachable.")
            state.lastDropLog = now
            state.unloggedDrops = 0
        }
    }

    /// Adds the payloads of one dropped batch of `tier` to the gap list, one gap per asset
    /// (merged with a waiting gap of the same asset and tier).
    private func recordGaps(for payloads: [TargetPayload], tier: Tier, in state: inout State) {
        let groups = Dictionary(grouping: payloads) { GapKey(assetID: $0.assetID, tier: tier) }
        for (key, group) in groups.sorted(by: { ($0.key.assetID, $0.key.tier.rawValue) < ($1.key.assetID, $1.key.tier.rawValue) }) {
            let dates = group.map(\.collectedAt)
            merge(
                SpoolGap(
                    assetID: key.assetID, targetName: group[0].targetName, tier: key.tier, from: dates.min()!, to: dates.max()!,
                    droppedBatches: 1, droppedPayloads: group.count), into: &state)
        }
        if state.gaps.count > Self.maxGaps, let oldest = state.gaps.indices.filter({ state.gaps[$0].attachedTo == nil }).min(by: {
            state.gaps[$0].to < state.gaps[$1].to
        }) {
            state.gaps.remove(at: oldest)
        }
    }

    private func merge(_ gap: SpoolGap, into state: inout State) {
        if let index = state.gaps.firstIndex(where: { $0.attachedTo == nil && $0.assetID == gap.assetID && $0.tier == gap.tier }) {
            state.gaps[index].from = min(state.gaps[index].from, gap.from)
            state.gaps[index].to = max(state.gaps[index].to, gap.to)
            state.gaps[index].droppedBatches += gap.droppedBatches
            state.gaps[index].droppedPayloads += gap.droppedPayloads
        } else {
            state.gaps.append(gap)
        }
    }

    /// The gaps attached to `entry` wait for another batch again (the entry was not delivered).
    private func releaseGaps(of entry: SpoolEntry, _ state: inout State) {
        let released = state.gaps.filter { $0.attachedTo == entry.name }
        guard !released.isEmpty else { return }
        state.gaps.removeAll { $0.attachedTo == entry.name }
        for var gap in released {
            gap.attachedTo = nil
            merge(gap, into: &state)
        }
        persistGaps(state)
    }

    private func persistGaps(_ state: State) {
        do {
            let json = try WireCoding.encoder().encode(state.gaps)
            try DurableFile.save(json, to: gapsPath)
        } catch let error as DurableFile.Failure {
            logger.error("Could not save the spool's gap list: \(error.message)")
        } catch {
            logger.error("Could not encode the spool's gap list.")
        }
    }

    private static func loadGaps(from path: String, logger: Logger) -> [SpoolGap] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        do {
            return try WireCoding.decoder().decode([SpoolGap].self, from: data)
        } catch {
            logger.warning("The spool's gap list \(path) is unreadable and was reset; earlier gaps will not be reported.")
            return []
        }
    }

    private struct GapKey: Hashable {
        var assetID: String
        var tier: Tier
    }

    // MARK: - Files and index

    func path(of entry: SpoolEntry) -> String {
        (directory as NSString).appendingPathComponent(entry.name)
    }

    private func dropFromIndex(_ entry: SpoolEntry, _ state: inout State) {
        if let index = state.entries.firstIndex(where: { $0.name == entry.name }) {
            state.bytes -= state.entries[index].size
            state.entries.remove(at: index)
        }
    }

    private func insertSorted(_ entry: SpoolEntry, _ state: inout State) {
        dropFromIndex(entry, &state)
        let index = state.entries.firstIndex { $0.name > entry.name } ?? state.entries.endIndex
        state.entries.insert(entry, at: index)
        state.bytes += entry.size
    }

    private func poisonNames() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: poisonDirectory)) ?? []
        return names.filter { $0.hasSuffix(SpoolEntry.fileExtension) }.sorted()
    }

    private func trimPoison() {
        let names = poisonNames()
        guard names.count > poisonLimit else { return }
        for name in names.prefix(names.count - poisonLimit) {
            let path = (poisonDirectory as NSString).appendingPathComponent(name)
            try? DurableFile.remove(path)
            try? DurableFile.remove(path + ".reason")
        }
    }

    private func encode(_ batch: IngestBatch) throws(SpoolError) -> Data {
        do {
            return try WireCoding.encoder().encode(batch)
        } catch {
            throw SpoolError(message: "Could not encode a batch for the spool: \(error).")
        }
    }

    private func decode(_ data: Data, entry: SpoolEntry) throws(SpoolError) -> IngestBatch {
        do {
            return try WireCoding.decoder().decode(IngestBatch.self, from: data)
        } catch {
            throw SpoolError(message: "The spooled batch \(entry.name) is not a valid batch (damaged file).")
        }
    }

    private static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    static func microseconds(_ date: Date) -> UInt64 {
        UInt64(max(0, (date.timeIntervalSince1970 * 1_000_000).rounded(.down)))
    }

    /// 32 random hex digits: unique, and valid as an Idempotency-Key (with room for split suffixes).
    static func newBatchID() -> String {
        UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }
}
