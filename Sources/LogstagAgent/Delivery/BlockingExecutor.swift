import Dispatch
import Synchronization

/// Runs blocking work (libcurl calls, fsync) on its own serial dispatch queue, so the Swift
/// concurrency pool (two threads on a two-core host) never waits on the network or the disk.
///
/// Contract: `run` returns the work's result. When the calling task is cancelled before the
/// work finishes, `run` returns nil at once; the work still runs to its end in the background
/// (bounded by the request timeout) and its result is dropped. Work items run one at a time,
/// in submission order.
struct BlockingExecutor: Sendable {
    private let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label)
    }

    func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T? {
        let handoff = Handoff<T>()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<T?, Never>) in
                guard handoff.install(continuation) else { return }
                queue.async { handoff.finish(work()) }
            }
        } onCancel: {
            handoff.finish(nil)
        }
    }
}

/// Resumes a continuation exactly once, whichever of "work done" and "task cancelled" comes first.
private final class Handoff<T: Sendable>: Sendable {
    private enum State {
        case waiting
        case installed(CheckedContinuation<T?, Never>)
        case done
    }

    private let state = Mutex<State>(.waiting)

    /// Stores the continuation; false (and the continuation resumed with nil) when the task
    /// was already cancelled.
    func install(_ continuation: CheckedContinuation<T?, Never>) -> Bool {
        let alreadyDone = state.withLock { state -> Bool in
            if case .done = state { return true }
            state = .installed(continuation)
            return false
        }
        if alreadyDone { continuation.resume(returning: nil) }
        return !alreadyDone
    }

    func finish(_ value: T?) {
        let continuation = state.withLock { state -> CheckedContinuation<T?, Never>? in
            defer { state = .done }
            if case .installed(let continuation) = state { return continuation }
            return nil
        }
        continuation?.resume(returning: value)
    }
}
