/// Size limits of the agent-facing API.
///
/// Contract: the server rejects a request over a byte limit with 413 `payload_too_large`, and
/// one over a depth or count limit with 400; agents split batches to stay within them.
public enum WireLimits {
    /// Largest gzip-compressed request body, in bytes (1 MiB).
    public static let maxCompressedBytes = 1 << 20
    /// Largest decompressed request body, in bytes (8 MiB).
    public static let maxDecompressedBytes = 8 << 20
    /// Deepest JSON nesting of arrays and objects.
    public static let maxDepth = 32
    /// Most rows in one signal.
    public static let maxRowsPerSignal = 10_000
    /// Most payloads in one batch.
    public static let maxPayloadsPerBatch = 500
    /// Most signals in one payload.
    public static let maxSignalsPerPayload = 500
}
