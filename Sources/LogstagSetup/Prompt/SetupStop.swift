/// Why setup mode ends before finishing, and with which exit code.
///
/// Contract: `exitCode` is 1 for a user error (a wrong flag, input that ended, a rejected API
/// key) and 2 for a server or network failure; `message` is a full sentence that says what to
/// do and never contains a secret.
public struct SetupStop: Error, Sendable, Equatable, CustomStringConvertible {
    public static let userError: Int32 = 1
    public static let serverError: Int32 = 2

    public let exitCode: Int32
    public let message: String

    public init(exitCode: Int32, message: String) {
        self.exitCode = exitCode
        self.message = message
    }

    public var description: String { message }

    static func user(_ message: String) -> SetupStop { SetupStop(exitCode: userError, message: message) }
    static func server(_ message: String) -> SetupStop { SetupStop(exitCode: serverError, message: message) }

    /// Standard input ended (Ctrl-D, or a script that ran out of answers).
    static let endOfInput = SetupStop.user("Input ended before setup finished; nothing was written. Run it again and answer every question.")
}
