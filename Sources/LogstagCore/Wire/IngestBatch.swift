import Foundation

/// `POST /api/v1/agent/ingest` body: the payloads an agent sends in one request.
///
/// Contract: `batch_id` (also sent as `Idempotency-Key`) identifies the batch so a retry is
/// stored once; it is 8 to 128 characters of `[A-Za-z0-9_-]`. The server calls `validate()`
/// after decoding and answers 400 with the error's code when it throws.
public struct IngestBatch: Codable, Sendable, Equatable {
    public var wireVersion: Int
    public var batchID: String
    public var agentVersion: String
    public var hostname: String
    public var sentAt: Date
    public var payloads: [TargetPayload]

    public init(
        wireVersion: Int = WireVersion.current, batchID: String, agentVersion: String, hostname: String, sentAt: Date,
        payloads: [TargetPayload]
    ) {
        self.wireVersion = wireVersion
        self.batchID = batchID
        self.agentVersion = agentVersion
        self.hostname = hostname
        self.sentAt = sentAt
        self.payloads = payloads
    }

    enum CodingKeys: String, CodingKey {
        case wireVersion = "wire_version"
        case batchID = "batch_id"
        case agentVersion = "agent_version"
        case hostname
        case sentAt = "sent_at"
        case payloads
    }

    /// Checks what decoding cannot: the wire version (`unsupported_version`), the batch id,
    /// counts against `WireLimits`, snake_case signal names and non-empty asset ids
    /// (`invalid_batch`). The error's `field` is a path such as `payloads[2].signals[0].name`.
    public func validate() throws(ValidationError) {
        guard WireVersion.supported.contains(wireVersion) else {
            throw ValidationError(
                code: "unsupported_version", field: "wire_version",
                message: "Wire version \(wireVersion) is not supported; this server accepts version \(WireVersion.current). Upgrade the agent or the server so they match.")
        }
        guard (8...128).contains(batchID.utf8.count), batchID.utf8.allSatisfy(Self.isBatchIDByte) else {
            throw invalid("batch_id", "The batch id must be 8 to 128 characters of letters, digits, '_' or '-'.")
        }
        guard payloads.count <= WireLimits.maxPayloadsPerBatch else {
            throw invalid("payloads", "A batch may hold at most \(WireLimits.maxPayloadsPerBatch) payloads; this one has \(payloads.count).")
        }
        for (p, payload) in payloads.enumerated() {
            guard !payload.assetID.isEmpty else {
                throw invalid("payloads[\(p)].asset_id", "Every payload must name its asset id.")
            }
            guard payload.signals.count <= WireLimits.maxSignalsPerPayload else {
                throw invalid(
                    "payloads[\(p)].signals",
                    "A payload may hold at most \(WireLimits.maxSignalsPerPayload) signals; payload \(p) has \(payload.signals.count).")
            }
            for (s, signal) in payload.signals.enumerated() {
                guard Self.isSnakeCase(signal.name) else {
                    throw invalid(
                        "payloads[\(p)].signals[\(s)].name",
                        "Signal names must be snake_case (lowercase letters, digits and '_', starting with a letter, at most 64 characters).")
                }
                guard signal.rows.count <= WireLimits.maxRowsPerSignal else {
                    throw invalid(
                        "payloads[\(p)].signals[\(s)].rows",
                        "A signal may hold at most \(WireLimits.maxRowsPerSignal) rows; signal \(signal.name) has \(signal.rows.count).")
                }
            }
        }
    }

    private func invalid(_ field: String, _ message: String) -> ValidationError {
        ValidationError(code: "invalid_batch", field: field, message: message)
    }

    static func isBatchIDByte(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || Base62.isDigit(byte)
    }

    /// `^[a-z][a-z0-9_]{0,63}$`
    static func isSnakeCase(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, (1...64).contains(bytes.count), (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) else {
            return false
        }
        return bytes.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "_")
        }
    }
}
