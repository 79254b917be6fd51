import Foundation
import Logging

/// The agent's swift-log handler: formats records with `LogLineFormatter`, masks secrets with
/// a `SecretMasker` and hands each line to a `LogLineWriter`.
///
/// Contract: records below `logLevel` are dropped before any formatting; handler metadata,
/// then the metadata provider's, then the record's are merged (later wins); the event's error
/// is logged as `error=...` unless the record has its own `error`. Nothing reaches the writer
/// unmasked.
public struct AgentLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level

    private let writer: any LogLineWriter
    private let masker: SecretMasker
    private let clock: @Sendable () -> Date

    public init(
        level: Logger.Level, writer: any LogLineWriter, masker: SecretMasker,
        metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider, clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.logLevel = level
        self.writer = writer
        self.masker = masker
        self.metadataProvider = metadataProvider
        self.clock = clock
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        guard event.level >= logLevel else { return }
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let own = event.metadata { merged.merge(own) { _, new in new } }
        writer.write(
            line: LogLineFormatter.format(
                date: clock(), level: event.level, message: event.message.description, metadata: merged, error: event.error, masker: masker))
    }
}
