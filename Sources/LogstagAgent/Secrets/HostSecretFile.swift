import COpenSSL
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The 32 random bytes in `<state_dir>/host.key` that, with the machine identity, make the key
/// for encrypted configuration values.
///
/// Contract: `read` returns nil when the file does not exist, refuses a file that other users
/// may read or write (`.permissions`) and one that is not exactly 32 bytes (`.io`). `create`
/// makes the directory (0700) when missing and publishes a fully written, fsync'd 0600 file
/// atomically: the bytes go to an `O_EXCL` temporary file that is then hard-linked to
/// `host.key`, so two processes racing to create it end up sharing one secret and a reader
/// never sees a half-written file.
enum HostSecretFile {
    static let fileName = "host.key"
    static let length = 32

    static func path(in directory: String) -> String {
        directory.hasSuffix("/") ? directory + fileName : directory + "/" + fileName
    }

    static func read(path: String) throws(SecretError) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            let code = errno
            if code == ENOENT { return nil }
            if code == EACCES {
                throw SecretError(
                    .permissions,
                    "The host secret \(path) cannot be read by this user; run the agent as the user that owns it (the service user logstag, or root).")
            }
            throw SecretError(.io, "The host secret \(path) cannot be opened (\(String(cString: strerror(code)))).")
        }
        defer { close(descriptor) }
        try FilePermissions.requirePrivate(path: path, what: "The host secret")
        var bytes = [UInt8](repeating: 0, count: length + 1)
        var total = 0
        while total < bytes.count {
            let count = bytes.withUnsafeMutableBytes { buffer in
                systemRead(descriptor, buffer.baseAddress! + total, buffer.count - total)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw SecretError(.io, "The host secret \(path) cannot be read (\(String(cString: strerror(errno)))).")
            }
            if count == 0 { break }
            total += count
        }
        guard total == length else {
            throw SecretError(
                .io,
                "The host secret \(path) is damaged (it must be exactly \(length) bytes); restore it from a backup, or delete it "
                    + "and re-encrypt every secret with \(SecretBox.encryptCommand).")
        }
        return Array(bytes.prefix(length))
    }

    static func create(directory: String) throws(SecretError) -> [UInt8] {
        let path = path(in: directory)
        if let existing = try read(path: path) { return existing }
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw SecretError(.io, "The state directory \(directory) cannot be created; create it (mode 0700) for the agent's user and try again.")
        }
        var secret = [UInt8](repeating: 0, count: length)
        guard RAND_bytes(&secret, Int32(length)) == 1 else {
            throw SecretError(.io, "OpenSSL could not produce random bytes for the host secret; check the system's entropy source.")
        }
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw SecretError(
                .io, "The host secret cannot be written in \(directory) (\(String(cString: strerror(errno)))); check that this user may write there.")
        }
        defer { unlink(temporary) }
        // The umask may have removed bits we did not ask for, never added any; fchmod makes the mode exact.
        fchmod(descriptor, 0o600)
        let written = secret.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == length, synced else {
            throw SecretError(.io, "The host secret could not be written completely in \(directory); check free space and try again.")
        }
        if link(temporary, path) != 0 {
            let code = errno
            if code == EEXIST, let winner = try read(path: path) { return winner }
            throw SecretError(.io, "The host secret \(path) cannot be created (\(String(cString: strerror(code)))).")
        }
        syncDirectory(directory)
        return secret
    }

    /// Makes the new directory entry durable (a crash after `link` must not lose host.key while
    /// values encrypted with it were already written to the configuration).
    static func syncDirectory(_ directory: String) {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }
}

/// `read(2)`; named apart from `HostSecretFile.read(path:)`.
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.read(descriptor, buffer, count)
    #else
    Darwin.read(descriptor, buffer, count)
    #endif
}
