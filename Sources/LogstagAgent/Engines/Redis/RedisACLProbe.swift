/// A harmless command the connection test runs to learn whether the user holds an ACL rule.
///
/// Contract: `rule` is the ACL command name without the `+` (e.g. `client|list`); `command`
/// may contain the placeholder `{user}`, replaced by the login user before sending. A probe
/// proves a missing rule only by a `NOPERM` reply.
public struct RedisACLProbe: Sendable, Equatable {
    public let rule: String
    public let command: [String]

    public init(rule: String, command: [String]) {
        self.rule = rule
        self.command = command
    }

    /// The command with `{user}` replaced.
    func command(user: String) -> [String] {
        command.map { $0 == "{user}" ? user : $0 }
    }
}
