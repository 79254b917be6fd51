import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a small private file (a registration token) atomically.
///
/// Contract: the text goes to a new `O_EXCL` temporary file (mode 0600) in the same
/// directory, is fsync'd, then renamed over `path`, and the directory is fsync'd: a reader sees
/// the old file or the whole new one, never a part, and a failure leaves no temporary file
/// behind. Errors are user errors naming `flag` and the path; they never contain the text.
enum PrivateFile {
    static func write(_ text: String, to path: String, flag: String) throws(SetupStop) {
        let directory = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        let temporary = "\(directory)/.\((path as NSString).lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw .user("\(flag): cannot create a file in \(directory) (\(String(cString: strerror(errno)))); check that the directory exists and this user may write there.")
        }
        var renamed = false
        defer { if !renamed { unlink(temporary) } }
        fchmod(descriptor, 0o600)
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == bytes.count, synced else { throw .user("\(flag): \(path) could not be written completely; check free space.") }
        guard rename(temporary, path) == 0 else {
            throw .user("\(flag): cannot replace \(path) (\(String(cString: strerror(errno)))).")
        }
        renamed = true
        let directoryDescriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }
}
