import LogstagCore

/// Halves a batch the server refused as too large (413) or that is over the wire limits.
///
/// Contract: a batch of two or more payloads splits into its first and second half of
/// payloads; a batch of one payload with two or more signals splits that payload's signals
/// (both halves keep the payload's asset, target, tier, time, instance and status). The halves
/// get the ids `<id>-a` and `<id>-b` and keep `sent_at`, so the split is deterministic: doing
/// it again after a crash writes the same bytes. Nil when the batch cannot be split (one
/// payload with at most one signal) or the derived ids would exceed 128 characters.
enum BatchSplitter {
    static func split(_ batch: IngestBatch) -> [IngestBatch]? {
        guard batch.batchID.utf8.count + 2 <= 128 else { return nil }
        let halves: ([TargetPayload], [TargetPayload])
        if batch.payloads.count >= 2 {
            let middle = batch.payloads.count / 2
            halves = (Array(batch.payloads[..<middle]), Array(batch.payloads[middle...]))
        } else if let payload = batch.payloads.first, payload.signals.count >= 2 {
            let middle = payload.signals.count / 2
            var first = payload
            var second = payload
            first.signals = Array(payload.signals[..<middle])
            second.signals = Array(payload.signals[middle...])
            halves = ([first], [second])
        } else {
            return nil
        }
        var a = batch
        a.batchID = batch.batchID + "-a"
        a.payloads = halves.0
        var b = batch
        b.batchID = batch.batchID + "-b"
        b.payloads = halves.1
        return [a, b]
    }
}
