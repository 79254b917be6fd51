import LogstagCore

/// The Redis/Valkey collector declared as data: the signals of `collectors/redis/manifest.toml`
/// and the ACL probes of the connection test.
///
/// Contract: `load` reads the manifest through `read` (a path relative to `Resources/`, e.g.
/// `BundledResources.text`) and either returns a catalogue in which every signal is valid or
/// throws the first mistake with its line: unknown keys or tables, a name that is not
/// `redis_` + snake_case, a tier other than high/medium/low, an unknown parser or field kind,
/// a command outside the read-only allow-list (`RedisCommandPolicy`), or a parser setting on
/// the wrong parser. Signals keep the file's order.
public struct RedisCatalog: Sendable, Equatable {
    public static let manifestPath = "collectors/redis/manifest.toml"

    public let signals: [RedisSignal]
    /// Probes whose rule a monitoring user must hold (a missing one fails the test).
    public let requiredProbes: [RedisACLProbe]
    /// Probes for the fuller coverage (a missing one warns).
    public let recommendedProbes: [RedisACLProbe]

    public init(signals: [RedisSignal], requiredProbes: [RedisACLProbe] = [], recommendedProbes: [RedisACLProbe] = []) {
        self.signals = signals
        self.requiredProbes = requiredProbes
        self.recommendedProbes = recommendedProbes
    }

    /// Loads and validates the manifest.
    public static func load(read: (String) -> String?) throws(RedisCatalogError) -> RedisCatalog {
        guard let text = read(manifestPath) else {
            throw RedisCatalogError(line: 0, message: "the Redis collector manifest is missing from the agent's resources")
        }
        return try parse(text)
    }

    /// Validates manifest text.
    public static func parse(_ text: String) throws(RedisCatalogError) -> RedisCatalog {
        let document: TOMLDocument
        do {
            document = try TOMLDocument.parse(text)
        } catch {
            throw RedisCatalogError(line: error.line, message: error.message)
        }
        return try RedisCatalogReader(document: document).read()
    }

    /// The signals collected on `tier`, in manifest order.
    public func signals(tier: Tier) -> [RedisSignal] {
        signals.filter { $0.tier == tier }
    }

    /// Every signal name, in manifest order.
    public var signalNames: [String] {
        signals.map(\.name)
    }

    /// The signal called `name`.
    public func signal(named name: String) -> RedisSignal? {
        signals.first { $0.name == name }
    }
}

/// Turns the parsed TOML document into a `RedisCatalog`, one table at a time.
private struct RedisCatalogReader {
    let document: TOMLDocument

    static let signalKeys: Set<String> = [
        "tier", "command", "parser", "timeout_ms", "acl_rule", "description", "hide_arguments_of", "presence_only",
        "per_user_command",
    ]

    func read() throws(RedisCatalogError) -> RedisCatalog {
        var signals: [RedisSignal] = []
        var required: [RedisACLProbe] = []
        var recommended: [RedisACLProbe] = []
        for table in document.tables {
            switch table.path.count {
            case 0:
                try readRoot(table)
            case 2 where table.path[0] == "signals":
                signals.append(try readSignal(table))
            case 3 where table.path[0] == "signals" && ["fields", "dangerous_commands"].contains(table.path[2]):
                guard document.table(path: Array(table.path.prefix(2))) != nil else {
                    throw RedisCatalogError(
                        line: table.line, message: "\(table.displayName) belongs to no signal; add [\(table.path.prefix(2).joined(separator: "."))] first")
                }
            case 2 where table.path == ["connection_test", "required"]:
                required = try readProbes(table)
            case 2 where table.path == ["connection_test", "recommended"]:
                recommended = try readProbes(table)
            default:
                throw RedisCatalogError(line: table.line, message: "unknown table \(table.displayName)")
            }
        }
        guard !signals.isEmpty else {
            throw RedisCatalogError(line: 1, message: "the manifest declares no [signals.<name>] table")
        }
        return RedisCatalog(signals: signals, requiredProbes: required, recommendedProbes: recommended)
    }

    private func readRoot(_ table: TOMLTable) throws(RedisCatalogError) {
        let reader = TOMLSectionReader(table: table, allowedKeys: ["format_version"])
        try wrap { () throws(TOMLError) in try reader.rejectUnknownKeys() }
        let version = try wrap { () throws(TOMLError) in try reader.int("format_version") }
        guard version == 1 else {
            throw RedisCatalogError(line: table.entry("format_version")?.line ?? 1, message: "format_version must be 1")
        }
    }

    private func readSignal(_ table: TOMLTable) throws(RedisCatalogError) -> RedisSignal {
        let name = table.path[1]
        guard name.hasPrefix("redis_"), Self.isSnakeCase(name) else {
            throw RedisCatalogError(
                line: table.line, message: "signal name \"\(name)\" must start with redis_ and be snake_case (at most 64 characters)")
        }
        let reader = TOMLSectionReader(table: table, allowedKeys: Self.signalKeys)
        try wrap { () throws(TOMLError) in try reader.rejectUnknownKeys() }

        let tierText = try required(reader, "tier", table) { () throws(TOMLError) in try reader.string("tier") }
        guard let tier = Tier(rawValue: tierText), tier != .schema else {
            throw error(table, "tier", "tier of \(name) must be high, medium or low")
        }
        let command = try required(reader, "command", table) { () throws(TOMLError) in try reader.stringArray("command") }
        guard !command.isEmpty, RedisCommandPolicy.isCollectionCommand(command) else {
            throw error(
                table, "command",
                "command of \(name) is not on the read-only allow-list (\(RedisCommandPolicy.collection.sorted().joined(separator: ", ")))")
        }
        let parserText = try required(reader, "parser", table) { () throws(TOMLError) in try reader.string("parser") }
        guard let parser = RedisParserKind(rawValue: parserText) else {
            throw error(
                table, "parser", "parser of \(name) must be one of \(RedisParserKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let timeout = try required(reader, "timeout_ms", table) { () throws(TOMLError) in try reader.int("timeout_ms") }
        guard (1...60_000).contains(timeout) else {
            throw error(table, "timeout_ms", "timeout_ms of \(name) must be between 1 and 60000")
        }
        let aclRule = try required(reader, "acl_rule", table) { () throws(TOMLError) in try reader.string("acl_rule") }
        let description = try wrap { () throws(TOMLError) in try reader.string("description") } ?? ""

        let hidden = try wrap { () throws(TOMLError) in try reader.stringArray("hide_arguments_of") }
        let presence = try wrap { () throws(TOMLError) in try reader.stringArray("presence_only") }
        let perUser = try wrap { () throws(TOMLError) in try reader.stringArray("per_user_command") }
        if hidden != nil, parser != .slowlog { throw error(table, "hide_arguments_of", "hide_arguments_of applies to the slowlog parser only") }
        if presence != nil, parser != .configGet { throw error(table, "presence_only", "presence_only applies to the config_get parser only") }
        if perUser != nil, parser != .acl { throw error(table, "per_user_command", "per_user_command applies to the acl parser only") }
        if parser == .acl {
            guard let perUser, !perUser.isEmpty, RedisCommandPolicy.isCollectionCommand(perUser) else {
                throw RedisCatalogError(
                    line: table.line, message: "the acl signal \(name) needs a per_user_command on the allow-list, e.g. [\"ACL\", \"GETUSER\"]")
            }
        }

        let fields = try readFields(signal: name, parentLine: table.line)
        for setting in presence ?? [] {
            let column = RedisRowBuilder.columnName(setting) + "_set"
            guard fields[column] == .flag else {
                throw error(table, "presence_only", "presence_only setting \(setting) needs the field \(column) = \"flag\" in \(name)'s fields")
            }
        }
        let dangerous = try readDangerousCommands(signal: name, parser: parser)

        return RedisSignal(
            name: name, tier: tier, command: command, parser: parser, timeoutMs: timeout, aclRule: aclRule, description: description,
            fields: fields, hideArgumentsOf: Set((hidden ?? []).map { $0.lowercased() }), presenceOnly: presence ?? [],
            perUserCommand: perUser ?? [], dangerousCommands: dangerous)
    }

    private func readFields(signal: String, parentLine: Int) throws(RedisCatalogError) -> [String: RedisFieldKind] {
        guard let table = document.table(path: ["signals", signal, "fields"]), !table.entries.isEmpty else {
            throw RedisCatalogError(line: parentLine, message: "signal \(signal) needs a non-empty [signals.\(signal).fields] table")
        }
        var fields: [String: RedisFieldKind] = [:]
        for entry in table.entries {
            guard Self.isSnakeCase(entry.key) else {
                throw RedisCatalogError(line: entry.line, message: "field \"\(entry.key)\" of \(signal) must be snake_case")
            }
            guard case .string(let text) = entry.value, let kind = RedisFieldKind(rawValue: text) else {
                throw RedisCatalogError(
                    line: entry.line,
                    message: "field \"\(entry.key)\" of \(signal) must be one of \(RedisFieldKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            fields[entry.key] = kind
        }
        return fields
    }

    private func readDangerousCommands(signal: String, parser: RedisParserKind) throws(RedisCatalogError) -> [String: Set<String>] {
        guard let table = document.table(path: ["signals", signal, "dangerous_commands"]) else { return [:] }
        guard parser == .acl else {
            throw RedisCatalogError(line: table.line, message: "\(table.displayName) applies to the acl parser only")
        }
        var commands: [String: Set<String>] = [:]
        let reader = TOMLSectionReader(table: table, allowedKeys: table.entries.map(\.key))
        for entry in table.entries {
            let categories = try wrap { () throws(TOMLError) in try reader.stringArray(entry.key) } ?? []
            commands[entry.key.lowercased()] = Set(categories.map { $0.lowercased() })
        }
        return commands
    }

    private func readProbes(_ table: TOMLTable) throws(RedisCatalogError) -> [RedisACLProbe] {
        let reader = TOMLSectionReader(table: table, allowedKeys: table.entries.map(\.key))
        var probes: [RedisACLProbe] = []
        for entry in table.entries {
            let command = try wrap { () throws(TOMLError) in try reader.stringArray(entry.key) } ?? []
            guard !command.isEmpty, RedisCommandPolicy.isCollectionCommand(command) else {
                throw RedisCatalogError(line: entry.line, message: "probe \"\(entry.key)\" is not a command on the read-only allow-list")
            }
            probes.append(RedisACLProbe(rule: entry.key.lowercased(), command: command))
        }
        return probes
    }

    // MARK: - Helpers

    private func required<T>(
        _ reader: TOMLSectionReader, _ key: String, _ table: TOMLTable, _ read: () throws(TOMLError) -> T?
    ) throws(RedisCatalogError) -> T {
        guard let value = try wrap(read) else {
            throw RedisCatalogError(line: table.line, message: "\(table.displayName) needs the key \"\(key)\"")
        }
        return value
    }

    private func wrap<T>(_ body: () throws(TOMLError) -> T) throws(RedisCatalogError) -> T {
        do {
            return try body()
        } catch {
            throw RedisCatalogError(line: error.line, message: error.message)
        }
    }

    private func error(_ table: TOMLTable, _ key: String, _ message: String) -> RedisCatalogError {
        RedisCatalogError(line: table.entry(key)?.line ?? table.line, message: message)
    }

    /// `^[a-z][a-z0-9_]{0,63}$`, the wire rule for signal names, used for columns too.
    static func isSnakeCase(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, bytes.count <= 64, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) else {
            return false
        }
        return bytes.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "_")
        }
    }
}
