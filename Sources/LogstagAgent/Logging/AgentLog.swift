import Foundation
import Logging

/// Sets up the agent's logging once per process.
///
/// Contract: `bootstrap` installs `AgentLogHandler` for every `Logger` (swift-log allows this
/// once per process) and returns where logs go. For `.file`, the preferred directory is
/// tried first, then /tmp/logstag; when neither can be used, logs go to standard output and
/// `fallbackReason` says why, so the agent keeps running. A fallback is also logged as a
/// warning. Every line is masked by `secrets`: register secrets there as soon as they are
/// decrypted.
public enum AgentLog {
    public static let defaultDirectory = "/var/log/logstag"
    public static let fallbackDirectory = "/tmp/logstag"

    @discardableResult
    public static func bootstrap(level: Logger.Level, destination: LogDestination, secrets: SecretMasker) -> LogOutput {
        let (writer, output) = openWriter(destination: destination)
        LoggingSystem.bootstrap { _ in AgentLogHandler(level: level, writer: writer, masker: secrets) }
        if let reason = output.fallbackReason {
            Logger(label: "logstag.agent").warning("Logging to \(output) instead of the preferred place.", metadata: ["reason": "\(reason)"])
        }
        return output
    }

    /// The writer for `destination`, trying the directories in order (see the type's contract).
    /// - Parameters:
    ///   - fallbackDirectory: tests pass a temporary directory.
    ///   - maxBytes, maxAge: rotation settings of `RotatingFileWriter`.
    public static func openWriter(
        destination: LogDestination, fallbackDirectory: String = AgentLog.fallbackDirectory,
        maxBytes: Int = RotatingFileWriter.defaultMaxBytes, maxAge: TimeInterval = RotatingFileWriter.defaultMaxAge
    ) -> (any LogLineWriter, LogOutput) {
        guard case .file(let preferred) = destination else { return (StandardOutputWriter(), LogOutput(path: nil)) }
        var reasons: [String] = []
        for directory in [preferred ?? defaultDirectory, fallbackDirectory] {
            do {
                let writer = try RotatingFileWriter(directory: directory, maxBytes: maxBytes, maxAge: maxAge)
                return (writer, LogOutput(path: writer.path, fallbackReason: reasons.isEmpty ? nil : reasons.joined(separator: " ")))
            } catch {
                reasons.append(error.message)
            }
        }
        return (StandardOutputWriter(), LogOutput(path: nil, fallbackReason: reasons.joined(separator: " ")))
    }
}
