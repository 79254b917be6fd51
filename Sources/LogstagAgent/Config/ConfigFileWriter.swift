import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Replaces the configuration file so that a crash, a full disk or Ctrl-C at any moment
/// leaves either the old file or the new one, never a mix.
///
/// Contract: the text goes to a new temporary file in the same directory (mode 0600, created
/// with `O_EXCL`), which is fsync'd and renamed over `path`; then the directory is fsync'd so
/// the rename survives a power cut. The result has mode 0600. When running as root over an
/// existing file, the new file gets the old file's owner and group (the service user must
/// still be able to read it). When `path` is a symbolic link, the file it points to is
/// replaced and the link kept. On any failure the temporary file is removed and the old file
/// is unchanged.
public enum ConfigFileWriter {
    public static func write(_ text: String, to path: String) throws(ConfigWriteError) {
        let target = resolvedPath(path)
        let directory = (target as NSString).deletingLastPathComponent.isEmpty ? "." : (target as NSString).deletingLastPathComponent
        let name = (target as NSString).lastPathComponent

        var previous = stat()
        let hadPrevious = stat(target, &previous) == 0

        let temporary = directory + "/." + name + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw ConfigWriteError("The configuration cannot be written in \(directory) (\(reason())); check that this user may write there.")
        }
        var published = false
        defer { if !published { unlink(temporary) } }
        var closed = false
        defer { if !closed { close(descriptor) } }

        guard fchmod(descriptor, 0o600) == 0 else { throw ConfigWriteError("The new configuration file's mode cannot be set (\(reason())).") }
        if hadPrevious, geteuid() == 0, previous.st_uid != 0 || previous.st_gid != 0 {
            guard fchown(descriptor, previous.st_uid, previous.st_gid) == 0 else {
                throw ConfigWriteError("The new configuration file cannot be given the owner of \(target) (\(reason())).")
            }
        }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { buffer in
                systemWrite(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw ConfigWriteError("The configuration cannot be written to \(directory) (\(reason())); check free space.")
            }
            offset += count
        }
        guard fsync(descriptor) == 0 else { throw ConfigWriteError("The new configuration cannot be flushed to disk (\(reason())).") }
        closed = true
        guard close(descriptor) == 0 else { throw ConfigWriteError("The new configuration cannot be closed (\(reason())).") }
        guard rename(temporary, target) == 0 else {
            throw ConfigWriteError("The configuration \(target) cannot be replaced (\(reason())).")
        }
        published = true
        let directoryDescriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }

    /// `path` with symbolic links resolved, or `path` itself when it does not exist yet.
    private static func resolvedPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func reason() -> String { String(cString: strerror(errno)) }
}

/// `write(2)`.
private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(descriptor, buffer, count)
    #else
    Darwin.write(descriptor, buffer, count)
    #endif
}
