import Foundation
import LogstagCore
import Testing

@testable import LogstagAgent

@Suite("Spool: durable files, cap, gaps, poison")
struct SpoolTests {
    let start = Date(timeIntervalSince1970: 1_750_000_000)

    @Test("append writes one 0600 file per batch with its batch id, and nothing temporary is left")
    func appendWritesBatchFile() throws {
        let directory = DeliveryFixtures.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let spool = try DeliveryFixtures.spool(directory)
        let payloads = [DeliveryFixtures.payload(asset: "a1", at: start), DeliveryFixtures.payload(asset: "a2", at: start)]
        try spool.append(payloads, tier: .high)

        let entry = try #require(spool.oldest())
        #expect(entry.name.wholeMatch(of: /\d{16}-high\.batch/) != nil)
        #expect(entry.tier == .high)
        #expect(spool.count == 1)
        let path = (directory as NSString).appendingPathComponent(entry.name)
        let data = try #require(FileManager.default.contents(atPath: path))
        #expect(spool.byteCount == data.count)
        #expect(entry.size == data.count)
        #expect(DeliveryFixtures.permissions(of: path) == 0o600)
        let batch = try WireCoding.decoder().decode(IngestBatch.self, from: data)
        #expect(batch.batchID.wholeMatch(of: /[0-9a-f]{32}/) != nil)
        #expect(batch.payloads == payloads)
        #expect(batch.hostname == "agent-host")
        #expect(batch.agentVersion == "1.0.0-test")
        #expect(throws: Never.self) { try batch.validate() }
        #expect(DeliveryFixtures.files(in: directory).filter { $0.hasSuffix(".tmp") }.isEmpty)
        #expect(DeliveryFixtures.permissions(of: directory) == 0o700)
    }

    @Test("Reopening the directory (a restart after a crash) finds the same batches with the same ids, in order")
    func persistsAcrossReopen() throws {
        let directory = DeliveryFixtures.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = DeliveryTestClock(start)
        let first = try DeliveryFixtures.spool(directory, clock: clock)
        try first.append([DeliveryFixtures.payload(at: start)], tier: .schema)
        try first.append([DeliveryFixtures.payload(at: start)], tier: .high)
        try first.append([DeliveryFixtures.payload(at: start)], tier: .low)
        let ids = try first.entries().map { try first.batch(of: $0).batchID }
        // A write cut short by a crash leaves a temporary file behind.
        let stray = (directory as NSString).appendingPathComponent("0000000000000001-high.batch.tmp")
        _ = FileManager.default.createFile(atPath: stray, contents: Data("{".utf8))

        let reopened = try DeliveryFixtures.spool(directory, clock: clock)
        #expect(reopened.entries() == first.entries())
        #expect(try reopened.entries().map { try reopened.batch(of: $0).batchID } == ids)
        #expect(reopened.byteCount == first.byteCount)
        #expect(!FileManager.default.fileExists(atPath: stray))
        #expect(reopened.entries().map(\.tier) == [.schema, .high, .low])

        // Sequence numbers keep growing, even with a clock that did not move.
        try reopened.append([DeliveryFixtures.payload(at: start)], tier: .medium)
        let sequences = reopened.entries().map(\.sequence)
        #expect(sequences == sequences.sorted())
        #expect(Set(sequences).count == 4)
    }

    /// The size of one batch of `payload` on disk.
    func batchSize(_ payload: TargetPayload, tier: Tier) throws -> Int {
        let directory = DeliveryFixtures.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let spool = try DeliveryFixtures.spool(directory)
        try spool.append([payload], tier: tier)
        return spool.byteCount
    }

    @Test("Over the cap, the oldest high-tier files go first, then medium, then low; the cap is never exceeded")
    func dropsOldestHighFirst() throws {
        let directory = DeliveryFixtures.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = DeliveryTestClock(start)
        let size = try batchSize(DeliveryFixtures.payload(tier: .medium, at: start, padding: 400), tier: .medium)
        let spool = try DeliveryFixtures.spool(directory, maxBytes: 5 * size + size / 2, clock: clock)
        var labels: [String: Tier] = [:]
        func add(_ tier: Tier, _ label: String) throws {
            clock.advance(10)
            try spool.append([DeliveryFixtures.payload(asset: label, tier: tier, at: clock.date, padding: 400)], tier: tier)
            labels[label] = tier
            #expect(spool.byteCount <= spool.maxBytes)
        }
        func remaining() throws -> [String] {
            try spool.entries().map { try spool.batch(of: $0).payloads[0].assetID }
        }
        try add(.schema, "s0")
        try add(.high, "h1")
        try add(.medium, "m2")
        try add(.high, "h3")
        try add(.low, "l4")
        #expect(try remaining() == ["s0", "h1", "m2", "h3", "l4"])
        try add(.high, "h5")
        #expect(try remaining() == ["s0", "m2", "h3", "l4", "h5"])
        try add(.medium, "m6")
        #expect(try remaining() == ["s0", "m2", "l4", "h5", "m6"])
        try add(.low, "l7")
        #expect(try remaining() == ["s0", "m2", "l4", "m6", "l7"])
        try add(.low, "l8")
        #expect(try remaining() == ["s0", "l4", "m6", "l7", "l8"])
        try add(.low, "l9")
        #expect(try remaining() == ["s0", "l4", "l7", "l8", "l9"])
        try add(.low, "l10")
        #expect(try remaining() == ["s0", "l7", "l8", "l9", "l10"])
        #expect(spool.droppedBatches == 6)
        #expect(DeliveryFixtures.files(in: directory).filter { $0.hasSuffix(".batch") }.count == 5)
    }

    @Test("Schema files are dropped only when nothing else is left")
    func schemaLast() throws {
        let directory = DeliveryFixtures.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = DeliveryTestClock(start)
        let size = try batchSize(DeliveryFixtures.payload(tier: .schema, at: start, padding: 400), tier: .schema)
        let spool = try DeliveryFixtures.spool(directory, maxBytes: 2 * size + size / 2, clock: clock)
        for label in ["s0", "s1"] {
            clock.advance(1)
            try spool.append([DeliveryFixtures.payload(asset: label, tier: .schema, at: clock.date, padding: 400)], tier: .schema)
        }
        clock.advance(1)
        try spool.append([DeliveryFixtures.payload(asset: "h2", tier: .high, at: clock.date, padding: 400)], tier: .high)
        #expect(try spool.entries().map { try spool.batch(of: $0).payloads[0].assetID } == ["s1", "h2"])
        clock.advance(1)
        try spool.append([DeliveryFixtures.payload(asset: "h3", tier: .high, at: clock.date, padding: 400)], tier: .high)
        #expect(try spool.entries().map { try spool.batch(of: $0).payloads[0].assetID } == ["s1", "h3"])
    }

    @Test("Dropped files become gaps per asset and tier (first/last collected_at, counts), persisted in gaps.json")
    func gapsRecordedAndPersisted() throws {
        let directory = DeliveryFixtures.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = DeliveryTestClock(start)
        func batch(_ offset: TimeInterval) -> [TargetPayload] {
            [
                DeliveryFixtures.payload(asset: "A", at: start.addingTimeInterval(offset), padding: 300),
                DeliveryFixtures.payload(asset: "B", at: start.addingTimeInterval(offset + 1), padding: 300),
            ]
        }
        let directorySize = DeliveryFixtures.directory()
        let probe = try DeliveryFixtures.spool(directorySize)
        try probe.append(batch(0), tier: .high)
        let size = probe.byteCount
        try? FileManager.default.removeItem(atPath: directorySize)

        let spool = try DeliveryFixtures.spool(directory, maxBytes: 2 * size + size / 2, clock: clock)
        for offset in [0.0, 10, 20, 30] {
            clock.advance(10)
            try spool.append(batch(offset), tier: .high)
        }
        let gaps = spool.gaps.sorted { $0.assetID < $1.assetID }
        #expect(
            gaps == [
                SpoolGap(
                    assetID: "A", targetName: "target-A", tier: .high, from: start, to: start.addingTimeInterval(10), droppedBatches: 2,
                    droppedPayloads: 2),
                SpoolGap(
                    assetID: "B", targetName: "target-B", tier: .high, from: start.addingTimeInterval(1), to: start.addingTimeInterval(11),
                    droppedBatches: 2, droppedPayloads: 2),
            ])
        #expect(FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent("gaps.json")))
        let reopened = try DeliveryFixtures.spool(directory, maxBytes: 2 * size + size / 2, clock: clock)
        #expect(reopened.gaps.sorted { $0.assetID < $1.assetID } == gaps)
    }

    @Test("Gaps ride in the asset's next batch as agent_spool_gaps, stay attached across a restart, and go away on acknowledgement")
    func gapsAttachAndAcknowledge() throws {
        let directory = DeliveryFixtures.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = DeliveryTestClock(start)
        let size = try batchSize(DeliveryFixtures.payload(asset: "A", at: start, padding: 300), tier: .high)
        let spool = try DeliveryFixtures.spool(directory, maxBytes: size + size / 2, clock: clock)
        try spool.append([DeliveryFixtures.payload(asset: "A", at: start, padding: 300)], tier: .high)
        clock.advance(10)
        try spool.append([DeliveryFixtures.payload(asset: "A", at: start.addingTimeInterval(10), padding: 300)], tier: .high)
        #expect(spool.gaps.count == 1)
        let entry = try #require(spool.oldest())
        let before = try spool.batch(of: entry)

        let attached = try spool.attachGaps(to: entry)
        #expect(attached.name == entry.name)
        #expect(attached.size > entry.size)
        #expect(spool.byteCount == attached.size)
        let batch = try spool.batch(of: attached)
        #expect(batch.batchID == before.batchID)
        let signal = try #require(batch.payloads[0].signals.first { $0.name == "agent_spool_gaps" })
        #expect(signal.status == .ok)
        #expect(
            signal.rows == [
                [
                    "tag_tier": "high", "from": .string(WireDate.format(start)), "to": .string(WireDate.format(start)), "dropped_batches": 1,
                    "dropped_payloads": 1,
                ]
            ])
        #expect(throws: Never.self) { try batch.validate() }
        #expect(spool.gaps.map(\.attachedTo) == [entry.name])

        // Attaching again changes nothing: a resend must carry identical bytes.
        let bytes = try spool.data(of: attached)
        #expect(try spool.attachGaps(to: attached) == attached)
        #expect(try spool.data(of: attached) == bytes)

        // Restart: still attached to the same file.
        let reopened = try DeliveryFixtures.spool(directory, maxBytes: size + size / 2, clock: clock)
        #expect(reopened.gaps.map(\.attachedTo) == [entry.name])
        #expect(try reopened.attachGaps(to: attached) == attached)
        #expect(try reopened.data(of: attached) == bytes)

        reopened.remove(attached)
        #expect(reopened.gaps.isEmpty)
        #expect(try DeliveryFixtures.spool(directory, maxBytes: size + size / 2, clock: clock).gaps.isEmpty)
    }

    @Test("A gap waits for a batch of its own asset")
    func gapWaitsForItsAsset() throws {
        let directory = DeliveryFixtures.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = DeliveryTestClock(start)
        let size = try batchSize(DeliveryFixtures.payload(asset: "A", at: start, padding: 300), tier: .high)
        let spool = try DeliveryFixtures.spool(directory, maxBytes: size + size / 2, clock: clock)
        try spool.append([DeliveryFixtures.payload(asset: "A", at: start, padding: 300)], tier: .high)
        clock.advance(1)
        try spool.append([DeliveryFixtures.payload(asset: "B", at: start, padding: 300)], tier: .high)
        let entry = try #require(spool.oldest())
        #expect(try spool.attachGaps(to: entry) == entry)
        #expect(spool.gaps.map(\.attachedTo) == [nil])
        #expect(try spool.batch(of: entry).payloads[0].signals.allSatisfy { $0.name != "agent_spool_gaps" })
    }

    @Test("Poison: the file moves to poison/ with a .reason, its gaps wait for another batch, and only the newest N are kept")
    func poison() throws {
        let directory = DeliveryFixtures.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = DeliveryTestClock(start)
        let spool = try DeliveryFixtures.spool(directory, clock: clock, poisonLimit: 3)
        for index in 0..<5 {
            clock.advance(1)
            try spool.append([DeliveryFixtures.payload(asset: "a\(index)", at: clock.date)], tier: .medium)
        }
        let names = spool.entries().map(\.name)
        for entry in spool.entries() {
            spool.moveToPoison(entry, reason: "HTTP 400 invalid_batch: Signal names must be snake_case.")
        }
        #expect(spool.count == 0)
        #expect(spool.byteCount == 0)
        let poisonDirectory = (directory as NSString).appendingPathComponent("poison")
        let kept = DeliveryFixtures.files(in: poisonDirectory)
        #expect(kept == names.suffix(3).flatMap { [$0, $0 + ".reason"] }.sorted())
        let reason = try String(contentsOfFile: (poisonDirectory as NSString).appendingPathComponent(names[4] + ".reason"), encoding: .utf8)
        #expect(reason.contains("HTTP 400 invalid_batch: Signal names must be snake_case."))
        #expect(spool.poisonCount == 3)
    }

    @Test("Poisoning a batch that carried gaps releases them to the next batch of the asset")
    func poisonReleasesGaps() throws {
        let directory = DeliveryFixtures.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = DeliveryTestClock(start)
        let size = try batchSize(DeliveryFixtures.payload(asset: "A", at: start, padding: 300), tier: .high)
        let spool = try DeliveryFixtures.spool(directory, maxBytes: 2 * size + size / 2, clock: clock)
        for offset in [0.0, 1, 2] {
            clock.advance(1)
            try spool.append([DeliveryFixtures.payload(asset: "A", at: start.addingTimeInterval(offset), padding: 300)], tier: .high)
        }
        let first = try spool.attachGaps(to: try #require(spool.oldest()))
        #expect(spool.gaps.map(\.attachedTo) == [first.name])
        spool.moveToPoison(first, reason: "test")
        #expect(spool.gaps.map(\.attachedTo) == [nil])
        let next = try spool.attachGaps(to: try #require(spool.oldest()))
        #expect(spool.gaps.map(\.attachedTo) == [next.name])
    }

    @Test("A batch larger than the whole spool is refused with a message, and recorded as a gap")
    func batchLargerThanSpool() throws {
        let directory = DeliveryFixtures.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let spool = try DeliveryFixtures.spool(directory, maxBytes: 2_000)
        let error = #expect(throws: SpoolError.self) {
            try spool.append([DeliveryFixtures.payload(asset: "A", at: start, padding: 5_000)], tier: .low)
        }
        #expect(error?.message.contains("larger than the whole spool") == true)
        #expect(spool.count == 0)
        #expect(spool.gaps.map(\.assetID) == ["A"])
        #expect(spool.gaps.map(\.tier) == [.low])
    }

    @Test("Files older than the age limit are dropped as gaps")
    func expiry() throws {
        let directory = DeliveryFixtures.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = DeliveryTestClock(start)
        let spool = try DeliveryFixtures.spool(directory, clock: clock)
        try spool.append([DeliveryFixtures.payload(asset: "old", at: start)], tier: .high)
        clock.advance(6 * 86_400)
        try spool.append([DeliveryFixtures.payload(asset: "new", at: clock.date)], tier: .high)
        spool.dropExpired()
        #expect(spool.count == 2)
        clock.advance(1.5 * 86_400)
        spool.dropExpired()
        #expect(try spool.entries().map { try spool.batch(of: $0).payloads[0].assetID } == ["new"])
        #expect(spool.gaps.map(\.assetID) == ["old"])
    }

    @Test("A split puts <name>-a and <name>-b in the original's place, before newer files")
    func splitKeepsPlace() throws {
        let directory = DeliveryFixtures.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = DeliveryTestClock(start)
        let spool = try DeliveryFixtures.spool(directory, clock: clock)
        try spool.append((0..<4).map { DeliveryFixtures.payload(asset: "p\($0)", at: start) }, tier: .high)
        clock.advance(1)
        try spool.append([DeliveryFixtures.payload(asset: "later", at: start)], tier: .high)
        let original = try #require(spool.oldest())
        let batch = try spool.batch(of: original)
        let halves = try #require(BatchSplitter.split(batch))
        try spool.split(original, into: halves)
        let entries = spool.entries()
        #expect(entries.count == 3)
        #expect(entries[0].name == original.name.replacingOccurrences(of: ".batch", with: "-a.batch"))
        #expect(entries[1].name == original.name.replacingOccurrences(of: ".batch", with: "-b.batch"))
        #expect(try spool.batch(of: entries[0]).batchID == batch.batchID + "-a")
        #expect(try spool.batch(of: entries[0]).payloads.map(\.assetID) == ["p0", "p1"])
        #expect(try spool.batch(of: entries[1]).payloads.map(\.assetID) == ["p2", "p3"])
        #expect(try spool.batch(of: entries[2]).payloads.map(\.assetID) == ["later"])
        #expect(!FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent(original.name)))
        #expect(spool.byteCount == entries.map(\.size).reduce(0, +))
        // The halves survive a restart in the same order.
        #expect(try DeliveryFixtures.spool(directory, clock: clock).entries() == entries)
    }

    @Test("export_to_file writes each batch as logstag-export-<seq>.json, 0600, byte-identical to the spool file")
    func export() throws {
        let directory = DeliveryFixtures.directory()
        let exports = DeliveryFixtures.directory()
        defer {
            try? FileManager.default.removeItem(atPath: directory)
            try? FileManager.default.removeItem(atPath: exports)
        }
        let spool = try DeliveryFixtures.spool(directory, exportDirectory: exports)
        try spool.append([DeliveryFixtures.payload(at: start)], tier: .high)
        try spool.append([DeliveryFixtures.payload(at: start)], tier: .low)
        let files = DeliveryFixtures.files(in: exports)
        #expect(files == spool.entries().map { "logstag-export-\(SpoolEntry.pad($0.sequence)).json" })
        for (file, entry) in zip(files, spool.entries()) {
            let path = (exports as NSString).appendingPathComponent(file)
            #expect(FileManager.default.contents(atPath: path) == (try spool.data(of: entry)))
            #expect(DeliveryFixtures.permissions(of: path) == 0o600)
        }
    }
}
