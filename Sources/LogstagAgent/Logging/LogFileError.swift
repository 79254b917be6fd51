/// Why a log directory or file cannot be used.
///
/// Contract: `message` names the directory or file and the system's reason.
public struct LogFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
