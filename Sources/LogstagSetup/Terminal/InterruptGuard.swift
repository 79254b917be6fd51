#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Ctrl-C (and SIGTERM/SIGHUP) handling for setup mode.
///
/// Contract: after `install()`, an interrupt restores the terminal settings saved by
/// `saveTerminal(_:)` (echo comes back on), prints "Cancelled; nothing was written." and exits
/// with 128 + the signal number (130 for Ctrl-C). Setup writes files only inside
/// `commit(_:)`: an interrupt that arrives during the commit is held until the commit has
/// finished, so a file is either fully written or not at all; after a commit the message says
/// what was already written. The handler only uses async-signal-safe calls.
public enum InterruptGuard {
    /// Installs the handler for SIGINT, SIGTERM and SIGHUP (idempotent).
    public static func install() {
        _ = guardState  // initialise the shared state outside the handler
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            signal(signalNumber, interruptHandler)
        }
    }

    /// Remembers the terminal settings the handler must restore (called before echo goes off).
    static func saveTerminal(_ settings: termios) {
        guardState.pointee.settings = settings
        guardState.pointee.hasSettings = 1
    }

    /// Forgets the saved settings once they were restored normally.
    static func forgetTerminal() {
        guardState.pointee.hasSettings = 0
    }

    /// Runs `body`, the only place where setup writes files, with interrupts held back.
    /// A held interrupt takes effect right after `body` returns, with the "already written" message.
    static func commit<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        guardState.pointee.committing = 1
        defer {
            guardState.pointee.committed = 1
            guardState.pointee.committing = 0
            let pending = guardState.pointee.pendingSignal
            if pending != 0 { exitForSignal(pending) }
        }
        return try body()
    }
}

/// Everything the handler reads or writes. It lives behind a raw pointer, allocated once before
/// the handler is installed, because Swift globals are lazily initialised and access-checked,
/// neither of which is safe inside a signal handler.
private struct GuardState {
    var settings = termios()
    var hasSettings: sig_atomic_t = 0
    var committing: sig_atomic_t = 0
    var committed: sig_atomic_t = 0
    var pendingSignal: sig_atomic_t = 0
}

nonisolated(unsafe) private let guardState: UnsafeMutablePointer<GuardState> = {
    let pointer = UnsafeMutablePointer<GuardState>.allocate(capacity: 1)
    pointer.initialize(to: GuardState())
    return pointer
}()

private let interruptHandler: @convention(c) (Int32) -> Void = { signalNumber in
    if guardState.pointee.committing != 0 {
        guardState.pointee.pendingSignal = signalNumber
        return
    }
    exitForSignal(signalNumber)
}

private func exitForSignal(_ signalNumber: Int32) {
    if guardState.pointee.hasSettings != 0 {
        withUnsafeMutablePointer(to: &guardState.pointee.settings) { _ = tcsetattr(STDIN_FILENO, TCSANOW, $0) }
    }
    let message: StaticString =
        guardState.pointee.committed != 0
        ? "\nCancelled; the files reported above had already been written.\n"
        : "\nCancelled; nothing was written.\n"
    _ = write(STDERR_FILENO, message.utf8Start, message.utf8CodeUnitCount)
    _exit(128 + signalNumber)
}
