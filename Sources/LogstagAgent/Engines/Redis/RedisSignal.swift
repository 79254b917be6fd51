import LogstagCore

/// One signal of the Redis/Valkey collector, as declared in `collectors/redis/manifest.toml`.
///
/// Contract: `name` is snake_case and starts with `redis_`; `command` is on the read-only
/// allow-list (`RedisCommandPolicy`); `fields` maps every output column (snake_case) to its
/// kind, and columns not in it are never emitted. The parser-specific settings are empty for
/// parsers that do not use them: `hideArgumentsOf` (slowlog: lowercase command names whose
/// arguments are never shown), `presenceOnly` (config_get: settings reported only as
/// `<name>_set`), `perUserCommand` (acl: sent once per user with the name appended) and
/// `dangerousCommands` (acl: command or `command|subcommand` -> its ACL categories).
public struct RedisSignal: Sendable, Equatable {
    public let name: String
    public let tier: Tier
    public let command: [String]
    public let parser: RedisParserKind
    public let timeoutMs: Int
    /// The ACL rule(s) the monitoring user needs for this signal, e.g. `+client|list`.
    public let aclRule: String
    public let description: String
    public let fields: [String: RedisFieldKind]
    public let hideArgumentsOf: Set<String>
    public let presenceOnly: [String]
    public let perUserCommand: [String]
    public let dangerousCommands: [String: Set<String>]

    public init(
        name: String, tier: Tier, command: [String], parser: RedisParserKind, timeoutMs: Int, aclRule: String,
        description: String = "", fields: [String: RedisFieldKind], hideArgumentsOf: Set<String> = [], presenceOnly: [String] = [],
        perUserCommand: [String] = [], dangerousCommands: [String: Set<String>] = [:]
    ) {
        self.name = name
        self.tier = tier
        self.command = command
        self.parser = parser
        self.timeoutMs = timeoutMs
        self.aclRule = aclRule
        self.description = description
        self.fields = fields
        self.hideArgumentsOf = hideArgumentsOf
        self.presenceOnly = presenceOnly
        self.perUserCommand = perUserCommand
        self.dangerousCommands = dangerousCommands
    }
}
