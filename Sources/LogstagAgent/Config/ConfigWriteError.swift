/// Why the configuration file could not be written.
///
/// Contract: `message` is a full sentence naming the file and the system's reason; the file's
/// previous content is untouched whenever this is thrown.
public struct ConfigWriteError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
