import Foundation

/// The machine's identity: the salt that binds encrypted secrets to one host.
///
/// Contract: returns the first non-empty, whitespace-trimmed content of `/etc/machine-id` and
/// then `/var/lib/dbus/machine-id` (systemd and D-Bus keep the same value there); throws
/// `SecretError.io` with the fix when neither exists, which is common in minimal containers.
enum MachineIdentity {
    static let candidatePaths = ["/etc/machine-id", "/var/lib/dbus/machine-id"]

    static func read(paths: [String] = candidatePaths) throws(SecretError) -> String {
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            let identity = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if !identity.isEmpty { return identity }
        }
        throw SecretError(
            .io,
            "This machine has no identity in /etc/machine-id or /var/lib/dbus/machine-id, so encrypted secrets cannot be bound to it; "
                + "create one with `systemd-machine-id-setup` (in a container, mount the host's /etc/machine-id read-only) "
                + "or store the secrets in plain text for local testing.")
    }
}
