/// A mistake in the Redis collector manifest.
///
/// Contract: `line` is the manifest line of the offending key or table (0 when the file is
/// missing); `description` reads `collectors/redis/manifest.toml line N: <message>`.
public struct RedisCatalogError: Error, Sendable, Equatable, CustomStringConvertible {
    public let line: Int
    public let message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { "\(RedisCatalog.manifestPath) line \(line): \(message)" }
}
