/// `POST /api/v1/agent/commands/{id}/result` body: the outcome of one command.
///
/// Contract: `command_id` repeats the command's id; `ok` is false when the agent could not run
/// the command (then `message` says why); `result` is present for `connection_test` commands.
public struct CommandResult: Codable, Sendable, Equatable {
    public var commandID: String
    public var ok: Bool
    public var result: ConnectionTestResult?
    public var message: String?

    public init(commandID: String, ok: Bool, result: ConnectionTestResult? = nil, message: String? = nil) {
        self.commandID = commandID
        self.ok = ok
        self.result = result
        self.message = message
    }

    enum CodingKeys: String, CodingKey {
        case commandID = "command_id"
        case ok, result, message
    }
}
