import Foundation
import LogstagCore
import Synchronization

/// Hides secrets in log text: every registered secret, then everything `Redaction.redactText`
/// recognises (Logstag tokens, `Bearer ...`, `password=...`, `user:pass@` in URLs).
///
/// Contract: `register` takes the exact strings to hide (decrypted passwords, the agent key,
/// registration tokens) and ignores values shorter than `minimumLength`, which would mask
/// ordinary words; `mask` replaces each registered value with `********`, longest first so a
/// secret that contains another is hidden whole. Thread-safe; registering while other
/// threads log is fine.
public final class SecretMasker: Sendable {
    public static let minimumLength = 4

    private let secrets = Mutex<[String]>([])

    public init() {}

    /// Adds `secret` to the values to hide.
    public func register(_ secret: String) {
        guard secret.count >= Self.minimumLength else { return }
        secrets.withLock { list in
            guard !list.contains(secret) else { return }
            list.append(secret)
            list.sort { $0.count > $1.count }
        }
    }

    /// Adds a decrypted secret.
    public func register(_ secret: SecretValue) {
        register(secret.reveal())
    }

    /// Adds every secret of a loaded configuration.
    public func register(_ config: AgentConfig) {
        for secret in config.secrets { register(secret) }
    }

    /// `text` with registered secrets and secret-looking patterns replaced by `********`.
    public func mask(_ text: String) -> String {
        var result = text
        for secret in secrets.withLock({ $0 }) where result.contains(secret) {
            result = result.replacingOccurrences(of: secret, with: Redaction.mask)
        }
        return Redaction.redactText(result)
    }
}
