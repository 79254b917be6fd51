import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Appends log lines to `<directory>/agent.log` and rotates it by size.
///
/// Contract: when a line would take the file past `maxBytes`, `agent.log` is renamed to
/// `agent-<UTC yyyyMMdd-HHmmss>.log` in the same directory (with `-1`, `-2`... when that name
/// exists) and a new `agent.log` is started; a line longer than `maxBytes` still goes out
/// whole, alone in its file. Rotated files (`agent-*.log`) whose modification time is older
/// than `maxAge` are deleted when the writer opens and at each rotation; `agent.log` itself
/// never is. Files are created 0640 without following symbolic links, so a link planted in a
/// shared directory such as /tmp cannot redirect the log. Thread-safe: one lock orders
/// writes and rotation. Write failures (a full disk) drop the line rather than stop the agent.
public final class RotatingFileWriter: LogLineWriter {
    public static let fileName = "agent.log"
    public static let defaultMaxBytes = 50 * 1024 * 1024
    public static let defaultMaxAge: TimeInterval = 3 * 24 * 60 * 60

    public let directory: String
    public let maxBytes: Int
    public let maxAge: TimeInterval
    private let now: @Sendable () -> Date

    private struct State {
        var descriptor: Int32
        var size: Int
    }

    private let state: Mutex<State>

    /// The active file.
    public var path: String { directory + "/" + Self.fileName }

    /// Opens (creating when needed) the directory and `agent.log`.
    /// - Parameters:
    ///   - directory: created 0750 when missing; must be a real directory this user may write.
    ///   - maxBytes: the size at which the file rotates (50 MB by default).
    ///   - maxAge: how long rotated files are kept (3 days by default).
    ///   - now: the clock (tests).
    public init(
        directory: String, maxBytes: Int = RotatingFileWriter.defaultMaxBytes, maxAge: TimeInterval = RotatingFileWriter.defaultMaxAge,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws(LogFileError) {
        var trimmed = directory
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.directory = trimmed
        self.maxBytes = max(1, maxBytes)
        self.maxAge = maxAge
        self.now = now
        try Self.prepareDirectory(trimmed)
        let opened = try Self.openActiveFile(trimmed + "/" + Self.fileName)
        state = Mutex(State(descriptor: opened.descriptor, size: opened.size))
        removeExpiredFiles()
    }

    deinit {
        state.withLock { state in
            if state.descriptor >= 0 { systemClose(state.descriptor) }
            state.descriptor = -1
        }
    }

    public func write(line: String) {
        let bytes = Array((line + "\n").utf8)
        let rotated = state.withLock { state -> Bool in
            var rotated = false
            if state.size > 0, state.size + bytes.count > maxBytes {
                rotate(&state)
                rotated = true
            }
            guard state.descriptor >= 0 else { return rotated }
            LogDescriptor.writeAll(state.descriptor, bytes)
            state.size += bytes.count
            return rotated
        }
        if rotated { removeExpiredFiles() }
    }

    /// Closes the file; later writes are dropped.
    public func close() {
        state.withLock { state in
            if state.descriptor >= 0 { systemClose(state.descriptor) }
            state.descriptor = -1
        }
    }

    // MARK: - Rotation

    private func rotate(_ state: inout State) {
        systemClose(state.descriptor)
        state.descriptor = -1
        let stamp = Self.stamp(now())
        var candidate = directory + "/agent-\(stamp).log"
        var suffix = 1
        while FileManager.default.fileExists(atPath: candidate) {
            candidate = directory + "/agent-\(stamp)-\(suffix).log"
            suffix += 1
        }
        // If the rename fails the old file is reopened and grows on: losing lines would be worse.
        _ = rename(path, candidate)
        if let opened = try? Self.openActiveFile(path) {
            state.descriptor = opened.descriptor
            state.size = opened.size
        }
    }

    /// Deletes `agent-*.log` files older than `maxAge`.
    func removeExpiredFiles() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        let cutoff = now().timeIntervalSince1970 - maxAge
        for name in names where name.hasPrefix("agent-") && name.hasSuffix(".log") {
            let file = directory + "/" + name
            var info = stat()
            guard lstat(file, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            if Double(info.st_mtim.tv_sec) < cutoff { unlink(file) }
        }
    }

    static func stamp(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))-\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))"
    }

    // MARK: - Files

    private static func prepareDirectory(_ directory: String) throws(LogFileError) {
        var info = stat()
        if lstat(directory, &info) != 0 {
            guard errno == ENOENT else { throw LogFileError("The log directory \(directory) cannot be used (\(reason())).") }
            do {
                try FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
            } catch {
                throw LogFileError("The log directory \(directory) cannot be created (\(describe(error))).")
            }
            guard lstat(directory, &info) == 0 else { throw LogFileError("The log directory \(directory) cannot be used (\(reason())).") }
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw LogFileError("The log directory \(directory) is not a directory (a symbolic link or a file is in the way).")
        }
        // A directory that anyone may write to (like a pre-created /tmp/logstag) would let
        // another user swap the log files; only the agent's own user may own it then.
        if info.st_mode & S_IWOTH != 0 {
            throw LogFileError("The log directory \(directory) is writable by other users; use a directory only the agent's user can write.")
        }
        guard access(directory, W_OK | X_OK) == 0 else {
            throw LogFileError("The log directory \(directory) is not writable by this user (\(reason())).")
        }
    }

    private static func openActiveFile(_ path: String) throws(LogFileError) -> (descriptor: Int32, size: Int) {
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else { throw LogFileError("The log file \(path) cannot be opened (\(reason())).") }
        fchmod(descriptor, 0o640)
        var info = stat()
        let size = fstat(descriptor, &info) == 0 ? Int(info.st_size) : 0
        return (descriptor, size)
    }

    private static func reason() -> String { String(cString: strerror(errno)) }

    private static func describe(_ error: any Error) -> String {
        (error as NSError).localizedDescription
    }
}

/// `close(2)`; named apart from `RotatingFileWriter.close()`.
private func systemClose(_ descriptor: Int32) {
    #if canImport(Glibc)
    _ = Glibc.close(descriptor)
    #else
    _ = Darwin.close(descriptor)
    #endif
}
