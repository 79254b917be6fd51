#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks that files holding secrets (the agent configuration, `host.key`) are private.
///
/// Contract: `requirePrivate` throws `SecretError.permissions` when the file's mode grants any
/// permission to group or others (the owner's bits are not judged), with a message that shows
/// the mode and the exact `chmod 600` command; it throws `.io` when the file does not exist
/// or cannot be inspected. Symbolic links are followed, since the mode of the file that is
/// read is what matters.
public enum FilePermissions {
    /// Refuses a file that other users can read or write.
    /// - Parameters:
    ///   - path: the file to inspect.
    ///   - what: how the file is named in the message, capitalised, e.g. "The configuration file".
    public static func requirePrivate(path: String, what: String) throws(SecretError) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            throw SecretError(.io, "\(what) \(path) cannot be inspected (\(reason)); check that it exists and that this user may read it.")
        }
        let mode = Int(info.st_mode) & 0o777
        guard mode & 0o077 != 0 else { return }
        let octal = String(mode, radix: 8)
        let shown = "0" + String(repeating: "0", count: max(0, 3 - octal.count)) + octal
        let access = mode & 0o044 != 0 ? "readable" : "writable"
        throw SecretError(.permissions, "\(what) \(path) is \(access) by other users (mode \(shown)); run: chmod 600 \(path)")
    }

    /// The permission bits of a file (`0o600`), or nil when it cannot be inspected.
    static func mode(of path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int(info.st_mode) & 0o7777
    }
}
