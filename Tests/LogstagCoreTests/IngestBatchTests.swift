import Foundation
import Testing
import LogstagCore

struct IngestBatchTests {
    static let at = Date(timeIntervalSince1970: 1_748_781_005)

    func signal(_ name: String = "pg_stat_database", rows: Int = 1) -> SignalPayload {
        SignalPayload(name: name, status: .ok, durationMs: 1, rows: Array(repeating: ["v": 1], count: rows))
    }

    func payload(assetID: String = "ast_1", signals: [SignalPayload]? = nil) -> TargetPayload {
        TargetPayload(
            assetID: assetID, targetName: "main", tier: .high, collectedAt: Self.at, targetStatus: TargetStatus(ok: true),
            signals: signals ?? [signal()])
    }

    func batch(id: String = "batch-0001", version: Int = WireVersion.current, payloads: [TargetPayload]? = nil) -> IngestBatch {
        IngestBatch(wireVersion: version, batchID: id, agentVersion: "0.1.0", hostname: "h", sentAt: Self.at, payloads: payloads ?? [payload()])
    }

    func code(_ batch: IngestBatch) -> String? {
        do {
            try batch.validate()
            return nil
        } catch {
            return error.code
        }
    }

    @Test func validBatchPasses() throws {
        try batch().validate()
        try batch(id: String(repeating: "a", count: 128)).validate()
        try batch(id: "Ab_-0123").validate()
        try batch(payloads: []).validate()
    }

    @Test(arguments: [0, 2, 99])
    func unsupportedVersion(_ version: Int) {
        #expect(code(batch(version: version)) == "unsupported_version")
    }

    @Test(arguments: ["", "short77", String(repeating: "a", count: 129), "batch 0001", "batch/0001", "batché001"])
    func invalidBatchID(_ id: String) {
        #expect(code(batch(id: id)) == "invalid_batch")
    }

    @Test func payloadCountLimit() {
        #expect(code(batch(payloads: Array(repeating: payload(), count: WireLimits.maxPayloadsPerBatch))) == nil)
        #expect(code(batch(payloads: Array(repeating: payload(), count: WireLimits.maxPayloadsPerBatch + 1))) == "invalid_batch")
    }

    @Test func signalCountLimit() {
        let many = Array(repeating: signal(), count: WireLimits.maxSignalsPerPayload)
        #expect(code(batch(payloads: [payload(signals: many)])) == nil)
        #expect(code(batch(payloads: [payload(signals: many + [signal()])])) == "invalid_batch")
    }

    @Test func rowCountLimit() {
        #expect(code(batch(payloads: [payload(signals: [signal(rows: WireLimits.maxRowsPerSignal)])])) == nil)
        #expect(code(batch(payloads: [payload(signals: [signal(rows: WireLimits.maxRowsPerSignal + 1)])])) == "invalid_batch")
    }

    @Test(arguments: ["PgStat", "pg-stat", "1pg", "_pg", "", "pg stat", String(repeating: "a", count: 65)])
    func signalNamesMustBeSnakeCase(_ name: String) {
        #expect(code(batch(payloads: [payload(signals: [signal(name)])])) == "invalid_batch")
    }

    @Test func emptyAssetIDIsRejectedWithItsPath() {
        do {
            try batch(payloads: [payload(), payload(assetID: "")]).validate()
            Issue.record("accepted an empty asset id")
        } catch {
            #expect(error.code == "invalid_batch")
            #expect(error.field == "payloads[1].asset_id")
        }
    }

    @Test func limits() {
        #expect(WireLimits.maxCompressedBytes == 1_048_576)
        #expect(WireLimits.maxDecompressedBytes == 8_388_608)
        #expect(WireLimits.maxDepth == 32)
    }
}
