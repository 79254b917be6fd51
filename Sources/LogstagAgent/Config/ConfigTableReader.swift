import LogstagCore

/// Typed access to one table of the agent configuration that collects problems instead of
/// stopping at the first.
///
/// Contract: each accessor returns nil when the key is absent or wrong (and then records one
/// problem naming the key and its line); a missing required key is reported at the table's
/// header line. Messages never contain the value.
struct ConfigTableReader {
    let table: TOMLTable
    private let typed: TOMLSectionReader
    private(set) var problems: [ConfigProblem] = []

    init(table: TOMLTable, allowedKeys: Set<String>) {
        self.table = table
        self.typed = TOMLSectionReader(table: table, allowedKeys: allowedKeys)
    }

    func line(of key: String) -> Int { table.entry(key)?.line ?? table.line }

    func has(_ key: String) -> Bool { table.entry(key) != nil }

    mutating func report(_ key: String?, _ message: String, line: Int? = nil) {
        problems.append(ConfigProblem(line: line ?? key.map(self.line(of:)) ?? table.line, key: key, message: message))
    }

    /// One problem per key that is not allowed, with a "did you mean" hint when one is close.
    mutating func rejectUnknownKeys() {
        for entry in table.entries where !typed.allowedKeys.contains(entry.key) {
            var message = "unknown key in \(table.displayName)"
            if let hint = AgentConfigSchema.suggestion(for: entry.key, among: typed.allowedKeys.sorted()) {
                message += "; did you mean \"\(hint)\"?"
            }
            report(entry.key, message, line: entry.line)
        }
    }

    /// `enc:` values are only meaningful for the keys that are decrypted.
    mutating func rejectMisplacedEncryptedValues() {
        for entry in table.entries where !AgentConfigSchema.encryptableKeys.contains(entry.key) {
            if case .string(let value) = entry.value, SecretBox.isEncrypted(value) {
                report(
                    entry.key, "encrypted values are accepted only for api_key, db_password and cloud_secret_key; write this value in plain text",
                    line: entry.line)
            }
        }
    }

    mutating func requireMissing(_ key: String) {
        report(key, "is missing; \(table.displayName) needs it", line: table.line)
    }

    mutating func string(_ key: String, required: Bool = false, hint: String? = nil) -> String? {
        do {
            guard let value = try typed.string(key) else {
                if required { requireMissing(key) }
                return nil
            }
            return value
        } catch {
            record(error, hint: hint)
            return nil
        }
    }

    mutating func int(_ key: String, required: Bool = false, hint: String? = nil) -> Int? {
        do {
            guard let value = try typed.int(key) else {
                if required { requireMissing(key) }
                return nil
            }
            return value
        } catch {
            record(error, hint: hint)
            return nil
        }
    }

    mutating func bool(_ key: String) -> Bool? {
        do {
            return try typed.bool(key)
        } catch {
            record(error, hint: nil)
            return nil
        }
    }

    /// A non-empty string, or a problem.
    mutating func nonEmptyString(_ key: String, required: Bool = false) -> String? {
        guard let value = string(key, required: required) else { return nil }
        guard !value.isEmpty else {
            report(key, "must not be empty")
            return nil
        }
        return value
    }

    /// An integer of at least `minimum`, or a problem.
    mutating func int(_ key: String, atLeast minimum: Int, unit: String) -> Int? {
        guard let value = int(key) else { return nil }
        guard value >= minimum else {
            report(key, "must be \(minimum) or more (\(unit))")
            return nil
        }
        return value
    }

    /// One of `allowed`, or a problem listing them.
    mutating func choice(_ key: String, among allowed: [String], required: Bool = false) -> String? {
        guard let value = string(key, required: required) else { return nil }
        guard allowed.contains(value) else {
            var message = "expected one of \(allowed.joined(separator: ", "))"
            if let hint = AgentConfigSchema.suggestion(for: value, among: allowed) { message += "; did you mean \"\(hint)\"?" }
            report(key, message)
            return nil
        }
        return value
    }

    private mutating func record(_ error: TOMLError, hint: String?) {
        var problem = ConfigProblem(error)
        if let hint { problem.message += "; " + hint }
        problems.append(problem)
    }
}
