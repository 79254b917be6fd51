import Foundation

/// Read access to everything under `Resources/`, embedded in the binary at build time by the
/// `EmbedResources` plugin. Paths are relative to `Resources/`, e.g. `web/static/app.css`.
public enum BundledResources {
    /// Decoded once on first use; the table is small (templates, CSS, JS, SQL).
    private static let files: [String: Data] = base64Files.compactMapValues { Data(base64Encoded: $0) }

    /// The bytes of one embedded file, or nil when no such file was embedded.
    public static func data(_ path: String) -> Data? { files[path] }

    /// The text of one embedded file (UTF-8), or nil when absent.
    public static func text(_ path: String) -> String? { files[path].flatMap { String(data: $0, encoding: .utf8) } }

    /// Every embedded path, sorted, optionally only those under a folder prefix.
    public static func paths(under prefix: String = "") -> [String] {
        files.keys.filter { $0.hasPrefix(prefix) }.sorted()
    }
}
