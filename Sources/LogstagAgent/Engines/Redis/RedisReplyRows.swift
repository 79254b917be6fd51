import LogstagCore

/// A reply whose shape does not match what the signal's parser expects.
struct RedisReplyShapeError: Error, Equatable {
    let message: String
}

/// Turns the reply of a signal's command into rows, one parser per `RedisParserKind`.
///
/// Contract: pure functions of the reply and the signal's field map (`RedisRowBuilder`), so
/// only declared columns leave. Replies of an unexpected shape throw `RedisReplyShapeError`.
/// Values are never read: the slow log keeps only the command name and the first argument
/// (none for `hideArgumentsOf` commands) and counts the rest; CLIENT LIST keeps `cmd` up to
/// the first space; config settings in `presenceOnly` become `<name>_set` and their value is
/// dropped; ACL password hashes are only counted.
enum RedisReplyRows {
    /// What a parser needs besides the reply.
    struct Context {
        /// The configured logical database (`db_name`), for `dbsize`.
        var databaseName: String
    }

    static func rows(signal: RedisSignal, reply: RedisReply, context: Context) throws(RedisReplyShapeError) -> [[String: JSONValue]] {
        switch signal.parser {
        case .info: return try info(signal, reply)
        case .infoKeyspace: return try infoRows(signal, reply, prefix: "db", label: "db")
        case .infoCommandstats: return try infoRows(signal, reply, prefix: "cmdstat_", label: "command")
        case .infoErrorstats: return try infoRows(signal, reply, prefix: "errorstat_", label: "error")
        case .dbsize: return try dbsize(signal, reply, context)
        case .role: return try role(signal, reply)
        case .clientList: return try clientList(signal, reply)
        case .slowlog: return try slowlog(signal, reply)
        case .latencyLatest: return try latencyLatest(signal, reply)
        case .memoryStats: return try nameValuePairs(signal, reply, presenceOnly: [])
        case .configGet: return try nameValuePairs(signal, reply, presenceOnly: Set(signal.presenceOnly.map { $0.lowercased() }))
        case .acl: throw RedisReplyShapeError(message: "the acl parser needs one ACL GETUSER reply per user; use aclRows")
        }
    }

    // MARK: - INFO

    private static func infoText(_ reply: RedisReply) throws(RedisReplyShapeError) -> String {
        guard case .string(let text) = reply else { throw RedisReplyShapeError(message: "INFO did not answer with text") }
        return text
    }

    private static func info(_ signal: RedisSignal, _ reply: RedisReply) throws(RedisReplyShapeError) -> [[String: JSONValue]] {
        var builder = RedisRowBuilder(fields: signal.fields)
        for (key, value) in RedisInfoText.pairs(try infoText(reply)) {
            builder.set(key, value)
        }
        return builder.isEmpty ? [] : [builder.row]
    }

    /// `db0:keys=1,expires=0`, `cmdstat_get:calls=1,...`, `errorstat_ERR:count=1`: one row per line.
    private static func infoRows(
        _ signal: RedisSignal, _ reply: RedisReply, prefix: String, label: String
    ) throws(RedisReplyShapeError) -> [[String: JSONValue]] {
        var rows: [[String: JSONValue]] = []
        for (key, value) in RedisInfoText.pairs(try infoText(reply)) where key.hasPrefix(prefix) {
            var builder = RedisRowBuilder(fields: signal.fields)
            builder.set(label, String(key.dropFirst(prefix.count)))
            for (attribute, attributeValue) in RedisInfoText.attributes(value) {
                builder.set(attribute, attributeValue)
            }
            rows.append(builder.row)
        }
        return rows
    }

    // MARK: - Simple commands

    private static func dbsize(_ signal: RedisSignal, _ reply: RedisReply, _ context: Context) throws(RedisReplyShapeError) -> [[String: JSONValue]] {
        guard case .integer(let keys) = reply else { throw RedisReplyShapeError(message: "DBSIZE did not answer with an integer") }
        var builder = RedisRowBuilder(fields: signal.fields)
        builder.set("db", context.databaseName)
        builder.set("keys", integer: keys)
        return [builder.row]
    }

    /// `master`: [role, offset, [[ip, port, offset], ...]]; `slave`: [role, host, port, state,
    /// offset]; `sentinel`: [role, [names]]. `primary` / `replica` are accepted too, should a
    /// server adopt Valkey's newer wording.
    private static func role(_ signal: RedisSignal, _ reply: RedisReply) throws(RedisReplyShapeError) -> [[String: JSONValue]] {
        guard let parts = reply.elements, let role = parts.first?.text else {
            throw RedisReplyShapeError(message: "ROLE did not answer with an array")
        }
        var summary = RedisRowBuilder(fields: signal.fields)
        summary.set("role", role)
        var rows: [[String: JSONValue]] = []
        switch role {
        case "master", "primary":
            let replicas = parts.count > 2 ? parts[2].elements ?? [] : []
            if parts.count > 1 { summary.set("replication_offset", reply: parts[1]) }
            summary.set("connected_replicas", integer: Int64(replicas.count))
            for replica in replicas {
                guard let fields = replica.elements, fields.count >= 3, let host = fields[0].text, let port = fields[1].text else { continue }
                var builder = RedisRowBuilder(fields: signal.fields)
                builder.set("replica", host + ":" + port)
                builder.set("replica_offset", reply: fields[2])
                rows.append(builder.row)
            }
        case "slave", "replica":
            if parts.count >= 5 {
                summary.set("master_host", reply: parts[1])
                summary.set("master_port", reply: parts[2])
                summary.set("link_state", reply: parts[3])
                summary.set("replication_offset", reply: parts[4])
            }
        default:
            break
        }
        return [summary.row] + rows
    }

    /// `id=3 addr=127.0.0.1:5000 ... cmd=client|list user=default`, one client per line.
    private static func clientList(_ signal: RedisSignal, _ reply: RedisReply) throws(RedisReplyShapeError) -> [[String: JSONValue]] {
        guard let text = reply.text else { throw RedisReplyShapeError(message: "CLIENT LIST did not answer with text") }
        var rows: [[String: JSONValue]] = []
        for line in text.split(whereSeparator: \.isNewline) where !line.isEmpty {
            var builder = RedisRowBuilder(fields: signal.fields)
            for part in line.split(separator: " ") {
                guard let equals = part.firstIndex(of: "=") else { continue }
                let key = String(part[..<equals])
                var value = String(part[part.index(after: equals)...])
                if key == "cmd" {
                    // Only the command's name: servers write the name alone, and the agent
                    // keeps it that way should one ever append arguments.
                    value = String(value.prefix { $0 != " " })
                }
                builder.set(key, value)
            }
            if !builder.isEmpty { rows.append(builder.row) }
        }
        return rows
    }

    /// [[event, timestamp, latest_ms, max_ms], ...]
    private static func latencyLatest(_ signal: RedisSignal, _ reply: RedisReply) throws(RedisReplyShapeError) -> [[String: JSONValue]] {
        guard let events = reply.elements else { throw RedisReplyShapeError(message: "LATENCY LATEST did not answer with an array") }
        return events.compactMap { event in
            guard let parts = event.elements, parts.count >= 4, let name = parts[0].text else { return nil }
            var builder = RedisRowBuilder(fields: signal.fields)
            builder.set("event", name)
            builder.set("timestamp", reply: parts[1])
            builder.set("latest_ms", reply: parts[2])
            builder.set("max_ms", reply: parts[3])
            return builder.row
        }
    }

    /// A flat [name, value, name, value, ...] array (MEMORY STATS, CONFIG GET); nested values
    /// (MEMORY STATS' per-database `db.N`) are skipped.
    private static func nameValuePairs(
        _ signal: RedisSignal, _ reply: RedisReply, presenceOnly: Set<String>
    ) throws(RedisReplyShapeError) -> [[String: JSONValue]] {
        guard let items = reply.elements, items.count % 2 == 0 else {
            throw RedisReplyShapeError(message: "the reply is not a list of name/value pairs")
        }
        var builder = RedisRowBuilder(fields: signal.fields)
        for index in stride(from: 0, to: items.count, by: 2) {
            guard let name = items[index].text else { continue }
            if presenceOnly.contains(name.lowercased()) {
                builder.set(name + "_set", flag: !(items[index + 1].text ?? "").isEmpty)
            } else {
                builder.set(name, reply: items[index + 1])
            }
        }
        return [builder.row]
    }

    // MARK: - Slow log

    /// [[id, timestamp, duration_us, [args...], client_addr, client_name], ...]
    private static func slowlog(_ signal: RedisSignal, _ reply: RedisReply) throws(RedisReplyShapeError) -> [[String: JSONValue]] {
        guard let entries = reply.elements else { throw RedisReplyShapeError(message: "SLOWLOG GET did not answer with an array") }
        return entries.compactMap { entry in
            guard let parts = entry.elements, parts.count >= 4, let arguments = parts[3].elements else { return nil }
            var builder = RedisRowBuilder(fields: signal.fields)
            builder.set("id", reply: parts[0])
            builder.set("timestamp", reply: parts[1])
            builder.set("duration_us", reply: parts[2])
            let summary = slowlogCommand(arguments.map { $0.text ?? "" }, hidden: signal.hideArgumentsOf)
            builder.set("command", summary.text)
            builder.set("command_name", summary.name)
            if parts.count > 4 { builder.set("client_addr", reply: parts[4]) }
            if parts.count > 5 { builder.set("client_name", reply: parts[5]) }
            return builder.row
        }
    }

    /// `set user:1 +1 args` from `SET user:1 <value>`: the name, the first argument (the key
    /// for data commands) unless the command is in `hidden`, and how many arguments follow.
    /// Redis cuts entries with more than 32 arguments to 31 and a marker
    /// `... (N more arguments)`, which is counted, not shown.
    static func slowlogCommand(_ arguments: [String], hidden: Set<String>) -> (name: String, text: String) {
        guard let first = arguments.first else { return ("", "") }
        let name = first.lowercased()
        var rest = Array(arguments.dropFirst())
        var count = rest.count
        if let last = rest.last, let more = moreArgumentsCount(last) {
            rest.removeLast()
            count = rest.count + more
        }
        var text = name
        var shown = 0
        if !hidden.contains(name), let key = rest.first {
            text += " " + key
            shown = 1
        }
        if count > shown {
            text += " +\(count - shown) args"
        }
        return (name, text)
    }

    /// N from Redis' `... (N more arguments)` marker.
    private static func moreArgumentsCount(_ argument: String) -> Int? {
        guard argument.hasPrefix("... ("), argument.hasSuffix(" more arguments)") else { return nil }
        return Int(argument.dropFirst(5).prefix { $0.isNumber })
    }

    // MARK: - ACL

    /// One row per user from its ACL GETUSER reply (a flat name/value list).
    static func aclRows(signal: RedisSignal, users: [(name: String, reply: RedisReply)]) throws(RedisReplyShapeError) -> [[String: JSONValue]] {
        var rows: [[String: JSONValue]] = []
        for (user, reply) in users {
            // A user deleted between ACL USERS and ACL GETUSER answers nil.
            guard let properties = aclProperties(reply) else { continue }
            var builder = RedisRowBuilder(fields: signal.fields)
            let flags = properties["flags"]?.elements?.compactMap(\.text) ?? []
            builder.set("user", user)
            builder.set("enabled", flag: flags.contains("on"))
            builder.set("nopass", flag: flags.contains("nopass"))
            builder.set("flags", flags.joined(separator: " "))
            // The hashes are counted and dropped here; they never reach a row.
            builder.set("password_count", integer: Int64(properties["passwords"]?.elements?.count ?? 0))
            builder.set("commands", properties["commands"]?.text ?? "")
            builder.set("keys", joined(properties["keys"]))
            builder.set("channels", joined(properties["channels"]))
            if let databases = properties["databases"] { builder.set("databases", joined(databases)) }
            builder.set("selectors", integer: Int64(properties["selectors"]?.elements?.count ?? 0))
            let dangerous = RedisACLRules.dangerousCommands(ruleSets: aclRuleSets(properties), dangerous: signal.dangerousCommands)
            builder.set("can_run_dangerous", flag: !dangerous.isEmpty)
            builder.set("dangerous_commands", dangerous.joined(separator: " "))
            rows.append(builder.row)
        }
        return rows
    }

    /// The name/value pairs of an ACL GETUSER reply, or nil when it is not one (a user deleted
    /// meanwhile answers nil).
    static func aclProperties(_ reply: RedisReply) -> [String: RedisReply]? {
        guard let items = reply.elements, items.count % 2 == 0 else { return nil }
        var properties: [String: RedisReply] = [:]
        for index in stride(from: 0, to: items.count, by: 2) {
            if let name = items[index].text { properties[name] = items[index + 1] }
        }
        return properties
    }

    /// The command rules of a user: its own, then each selector's (Redis 7 selectors grant
    /// permissions in addition to the root rules).
    static func aclRuleSets(_ properties: [String: RedisReply]) -> [String] {
        let selectors = properties["selectors"]?.elements ?? []
        let selectorRules = selectors.compactMap { selector -> String? in
            guard let items = selector.elements else { return nil }
            for index in stride(from: 0, to: items.count - 1, by: 2) where items[index].text == "commands" {
                return items[index + 1].text
            }
            return nil
        }
        return [properties["commands"]?.text ?? ""] + selectorRules
    }

    /// Redis 7 answers `keys` as one string (`~* %R~x`); Redis 6 answered an array.
    private static func joined(_ reply: RedisReply?) -> String {
        switch reply {
        case .array(let items)?: items.compactMap(\.text).joined(separator: " ")
        case let other?: other.text ?? ""
        case nil: ""
        }
    }
}
