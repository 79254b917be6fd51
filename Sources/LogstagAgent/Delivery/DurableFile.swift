import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Crash-safe file writes for the spool.
///
/// Contract: after `save` returns, the file at `path` holds exactly `data` (written to a
/// `.tmp` sibling, fsync'd, renamed over `path`, and the directory fsync'd when `durable`), so
/// a crash leaves either the old file or the new one, never a torn one. New files get
/// `permissions` (0600 by default). Errors are full sentences naming the path.
enum DurableFile {
    struct Failure: Error, Equatable, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    static let temporarySuffix = ".tmp"

    static func save(_ data: Data, to path: String, permissions: mode_t = 0o600, durable: Bool = true) throws(Failure) {
        let temporary = path + temporarySuffix
        unlink(temporary)  // a stale leftover could carry wider permissions
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, permissions)
        guard fd >= 0 else { throw failure("create", temporary) }
        var written = 0
        let ok: Bool = data.withUnsafeBytes { bytes in
            while written < bytes.count {
                let result = write(fd, bytes.baseAddress! + written, bytes.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                written += result
            }
            return true
        }
        if !ok {
            let error = failure("write", temporary)
            close(fd)
            unlink(temporary)
            throw error
        }
        if durable, fsync(fd) != 0 {
            let error = failure("fsync", temporary)
            close(fd)
            unlink(temporary)
            throw error
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let error = failure("rename", path)
            unlink(temporary)
            throw error
        }
        if durable { syncDirectory(of: path) }
    }

    /// Moves `source` to `destination` (same file system) and makes both directory entries durable.
    static func move(_ source: String, to destination: String) throws(Failure) {
        guard rename(source, destination) == 0 else { throw failure("move", source) }
        syncDirectory(of: destination)
        syncDirectory(of: source)
    }

    /// Deletes `path`; a file that is already gone is not an error.
    static func remove(_ path: String) throws(Failure) {
        guard unlink(path) == 0 || errno == ENOENT else { throw failure("delete", path) }
    }

    /// fsync of the directory holding `path`, so a rename or create survives a power loss.
    static func syncDirectory(of path: String) {
        let directory = (path as NSString).deletingLastPathComponent
        let fd = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    /// Creates `path` (and parents) with mode 0700 when missing.
    static func makeDirectory(_ path: String) throws(Failure) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw Failure(message: "Could not create the directory \(path): \(error.localizedDescription). Check that the agent's user may write there.")
        }
    }

    private static func failure(_ action: String, _ path: String) -> Failure {
        let reason = String(cString: strerror(errno))
        return Failure(message: "Could not \(action) \(path): \(reason). Check free disk space and that the agent's user may write there.")
    }
}
