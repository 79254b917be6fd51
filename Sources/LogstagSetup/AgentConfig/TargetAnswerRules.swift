import LogstagAgent
import LogstagCore

/// The rules for the answers that describe one agent target, matching what the agent's
/// configuration loader accepts, so a written target always loads.
///
/// Contract: each function returns the normalised value or throws an `AnswerProblem` that
/// says what a valid answer looks like. None of them sees a password.
enum TargetAnswerRules {
    static let maxNameLength = 63

    /// Target names are snake or kebab case: lowercase letters, digits, `_` and `-`, starting
    /// with a letter or digit, unique in the file (exact match; the file is case-sensitive, but
    /// two names differing only in case are refused as confusing).
    static func targetName(_ raw: String, existing: [String]) throws(AnswerProblem) -> String {
        let name = raw.trimmingWhitespace
        guard !name.isEmpty else { throw AnswerProblem("Type a name for the target, e.g. orders_db or orders-db.") }
        guard name.count <= maxNameLength else { throw AnswerProblem("The name must be at most \(maxNameLength) characters long.") }
        let valid = name.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "0"..."9", "_", "-": true
            default: false
            }
        }
        guard valid, let first = name.unicodeScalars.first, first != "_", first != "-" else {
            throw AnswerProblem("Use lowercase letters, digits, _ and - only, starting with a letter or digit (e.g. orders_db).")
        }
        if let clash = existing.first(where: { $0.lowercased() == name }) {
            throw AnswerProblem("The configuration already has a target named \"\(clash)\"; choose another name.")
        }
        return name
    }

    static func host(_ raw: String) throws(AnswerProblem) -> String {
        let host = raw.trimmingWhitespace
        guard !host.isEmpty else { throw AnswerProblem("Type the database server's host name or IP address.") }
        guard !host.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control }) else {
            throw AnswerProblem("A host name or IP address has no spaces.")
        }
        guard !host.contains("://"), !host.contains("/") else {
            throw AnswerProblem("Type only the host name or IP address (no scheme or path); the port is asked next.")
        }
        return host
    }

    static func port(_ raw: String) throws(AnswerProblem) -> Int {
        guard let port = Int(raw.trimmingWhitespace) else { throw AnswerProblem("\"\(raw.prefix(20))\" is not a number; type a port from 1 to 65535.") }
        guard (1...65_535).contains(port) else { throw AnswerProblem("\(port) is not a TCP port; type a number from 1 to 65535.") }
        return port
    }

    /// PostgreSQL needs a user name; Redis and Valkey may use the default user (empty).
    static func username(_ raw: String, engine: Engine) throws(AnswerProblem) -> String {
        let name = raw.trimmingWhitespace
        if engine == .postgresql && name.isEmpty {
            throw AnswerProblem("PostgreSQL needs a user name; use a dedicated monitoring role such as logstag_monitor (with pg_monitor).")
        }
        guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw AnswerProblem("The user name must be on one line.")
        }
        return name
    }

    /// PostgreSQL: a database name; Redis and Valkey: the database number "0" to "15".
    static func databaseName(_ raw: String, engine: Engine) throws(AnswerProblem) -> String {
        let name = raw.trimmingWhitespace
        switch engine {
        case .redis, .valkey:
            guard let number = Int(name), (0...15).contains(number), String(number) == name else {
                throw AnswerProblem("For \(engine.displayName) this is the database number, from 0 to 15.")
            }
            return name
        default:
            guard !name.isEmpty else { throw AnswerProblem("Name the database to connect to, e.g. postgres.") }
            guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw AnswerProblem("The database name must be on one line.")
            }
            return name
        }
    }

    /// A non-empty single-line value (cloud region, instance id, access key).
    static func singleLine(_ raw: String, what: String) throws(AnswerProblem) -> String {
        let value = raw.trimmingWhitespace
        guard !value.isEmpty else { throw AnswerProblem("Type the \(what).") }
        guard !value.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control }) else {
            throw AnswerProblem("The \(what) has no spaces.")
        }
        return value
    }

    /// The agent's `api_base_url`, checked by the agent's own loader (https, or http only to loopback).
    static func agentServerURL(_ raw: String) throws(AnswerProblem) -> String {
        var url = raw.trimmingWhitespace
        while url.hasSuffix("/") { url.removeLast() }
        guard !url.isEmpty else { throw AnswerProblem("Type the Logstag server's URL, e.g. https://logstag.example.com.") }
        let probe = "[agent]\napi_base_url = " + TOMLValue.string(url).tomlText + "\n"
        if let problem = AgentConfigLoader.check(text: probe).first(where: { $0.key == "api_base_url" }) {
            throw AnswerProblem("The server URL \(problem.message).")
        }
        return url
    }
}
