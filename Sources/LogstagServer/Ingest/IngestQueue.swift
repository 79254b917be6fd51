import Dispatch
import Foundation
import LogstagStorage

/// Group commit for agent batches. Handlers submit a batch and wait; one writer drains
/// everything that queued up meanwhile into a single transaction (one fsync for all), then
/// answers each handler. A handler answers 2xx only after its batch's transaction committed.
///
/// Bounded: past `maxPending` waiting batches the server is overloaded and says so (503 +
/// Retry-After) instead of growing memory.
public actor IngestQueue {
    public struct Overloaded: Error {}

    public static let defaultMaxPending = 2_000
    static let maxPerTransaction = 256

    private let store: IngestStore
    private let clock: @Sendable () -> Date
    private let maxPending: Int
    private var pending: [(work: IngestStore.Work, continuation: CheckedContinuation<IngestStore.Outcome, any Error>)] = []
    private var flushing = false

    public init(store: IngestStore, clock: @escaping @Sendable () -> Date, maxPending: Int = defaultMaxPending) {
        self.store = store
        self.clock = clock
        self.maxPending = maxPending
    }

    public func submit(_ work: IngestStore.Work) async throws -> IngestStore.Outcome {
        guard pending.count < maxPending else { throw Overloaded() }
        return try await withCheckedThrowingContinuation { continuation in
            pending.append((work, continuation))
            if !flushing {
                flushing = true
                Task { await self.flush() }
            }
        }
    }

    private func flush() async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(Self.maxPerTransaction))
            pending.removeFirst(batch.count)
            let works = batch.map(\.work)
            let store = self.store
            let now = clock()
            // GRDB writes block their thread (fsync); keep that off the cooperative pool.
            let result: Result<[IngestStore.Outcome], any Error> = await withCheckedContinuation { done in
                DispatchQueue.global(qos: .userInitiated).async {
                    done.resume(returning: Result { try store.ingest(works, now: now) })
                }
            }
            switch result {
            case .success(let outcomes):
                for (item, outcome) in zip(batch, outcomes) { item.continuation.resume(returning: outcome) }
            case .failure(let error):
                for item in batch { item.continuation.resume(throwing: error) }
            }
        }
        flushing = false
    }
}

/// Tells long-polling agents that a command may be waiting, so they query the database only
/// when something changed (or every few seconds), not in a tight loop.
public final class CommandSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var current = 0

    public init() {}

    /// Called whenever a command is queued.
    public func bump() { lock.withLock { current += 1 } }
    /// Changes whenever a command was queued since the last read.
    public var generation: Int { lock.withLock { current } }
}
