#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Where formatted log lines go.
///
/// Contract: `write(line:)` appends `line` and a newline as one unit (lines from concurrent
/// callers never interleave) and never throws: logging must not stop the agent.
public protocol LogLineWriter: Sendable {
    func write(line: String)
}

/// Writes log lines to standard output (foreground runs, containers, systemd's journal).
public final class StandardOutputWriter: LogLineWriter {
    private let lock = Mutex(())

    public init() {}

    public func write(line: String) {
        let bytes = Array((line + "\n").utf8)
        lock.withLock { _ in LogDescriptor.writeAll(STDOUT_FILENO, bytes) }
    }
}

/// Low-level output shared by the log writers.
enum LogDescriptor {
    /// Writes every byte unless the descriptor fails (then the rest is dropped: there is
    /// nowhere left to report it).
    static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { buffer -> Int in
                #if canImport(Glibc)
                Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                #else
                Darwin.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                #endif
            }
            if count < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += count
        }
    }
}
