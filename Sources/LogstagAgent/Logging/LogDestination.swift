/// Where the agent's logs go.
///
/// Contract: `.stdout` for foreground runs and containers; `.file(directory:)` for the
/// service: the given directory, or /var/log/logstag when nil, falling back to /tmp/logstag
/// when that cannot be used.
public enum LogDestination: Sendable, Equatable {
    case stdout
    case file(directory: String?)
}

/// Where the logs actually went, to tell the person starting the agent.
///
/// Contract: `fallbackReason` is set when the preferred place could not be used, and says why.
public struct LogOutput: Sendable, Equatable, CustomStringConvertible {
    /// The log file, or nil for standard output.
    public var path: String?
    public var fallbackReason: String?

    public init(path: String?, fallbackReason: String? = nil) {
        self.path = path
        self.fallbackReason = fallbackReason
    }

    public var description: String { path ?? "standard output" }
}
