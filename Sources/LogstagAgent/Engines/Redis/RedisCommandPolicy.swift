/// The read-only allow-list: every command the Redis driver may ever send.
///
/// Contract: commands are compared by their ACL name, lowercased, with the subcommand of
/// container commands (`client|list`, `config|get`); `collection` holds what the manifest may
/// use for signals and probes, `session` what the driver itself sends to log in, select the
/// database, name itself and check its own user. Nothing that reads or changes values, keys
/// or server state is on either list: no KEYS, SCAN, GET, DUMP, DEBUG, SLOWLOG RESET,
/// CONFIG SET or CONFIG RESETSTAT. The driver checks every command against it before sending.
enum RedisCommandPolicy {
    static let collection: Set<String> = [
        "ping", "info", "dbsize", "role", "client|list", "memory|stats", "slowlog|get", "slowlog|len",
        "latency|latest", "config|get", "acl|users", "acl|getuser",
    ]

    /// `acl|dryrun` only asks whether a user *could* run a command; it never runs it.
    static let session: Set<String> = ["auth", "select", "client|setname", "acl|whoami", "acl|dryrun"]

    /// Commands whose first argument is a subcommand that ACL rules name separately.
    static let containers: Set<String> = ["client", "config", "memory", "slowlog", "latency", "acl"]

    /// The ACL name of a command line, e.g. `client|list` for `["CLIENT", "LIST"]`.
    static func aclName(of arguments: [String]) -> String {
        guard let first = arguments.first?.lowercased() else { return "" }
        if containers.contains(first), arguments.count > 1 {
            return first + "|" + arguments[1].lowercased()
        }
        return first
    }

    /// The command as people write it, e.g. `CLIENT LIST`.
    static func displayName(of arguments: [String]) -> String {
        aclName(of: arguments).uppercased().split(separator: "|").joined(separator: " ")
    }

    /// Whether a manifest may declare this command.
    static func isCollectionCommand(_ arguments: [String]) -> Bool {
        collection.contains(aclName(of: arguments))
    }

    /// Whether the driver may send this command at all.
    static func isAllowed(_ arguments: [String]) -> Bool {
        let name = aclName(of: arguments)
        return collection.contains(name) || session.contains(name)
    }
}
