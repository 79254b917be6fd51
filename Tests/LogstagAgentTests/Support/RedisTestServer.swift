import Foundation
import LogstagCore
import Testing

@testable import LogstagAgent

/// One of the real Redis/Valkey servers that `scripts/test-databases.sh start` runs on
/// loopback (Redis 7.0, Valkey 8.1, Valkey 9.1), used as `@Test(arguments:)`.
///
/// Contract: ports and the admin password come from `LOGSTAG_TEST_REDIS7_PORT`,
/// `LOGSTAG_TEST_VALKEY8_PORT`, `LOGSTAG_TEST_VALKEY9_PORT` and `LOGSTAG_TEST_ADMIN_PASSWORD`
/// (defaults match the script). `admin()` fails the test with instructions when the server is
/// down; it never skips. Users and keys made here carry a random suffix so parallel tests and
/// reruns do not collide.
struct RedisTestServer: Sendable, CustomTestStringConvertible {
    let label: String
    let engine: Engine
    let port: Int
    /// The product version's major number ("7", "8", "9").
    let major: String
    let host = "127.0.0.1"

    var testDescription: String { "\(label) on port \(port)" }

    static let all: [RedisTestServer] = [
        RedisTestServer(label: "Redis 7.0", engine: .redis, port: environmentPort("LOGSTAG_TEST_REDIS7_PORT", 56379), major: "7"),
        RedisTestServer(label: "Valkey 8.1", engine: .valkey, port: environmentPort("LOGSTAG_TEST_VALKEY8_PORT", 56380), major: "8"),
        RedisTestServer(label: "Valkey 9.1", engine: .valkey, port: environmentPort("LOGSTAG_TEST_VALKEY9_PORT", 56381), major: "9"),
    ]

    static var adminPassword: String {
        ProcessInfo.processInfo.environment["LOGSTAG_TEST_ADMIN_PASSWORD"] ?? "logstag-test-admin"
    }

    /// The ACL rules of the reference's monitoring user (logstag-product.md 4.4), without the password.
    static let fullMonitoringRules = [
        "~*", "&*", "+ping", "+select", "+info", "+dbsize", "+role",
        "+client|list", "+memory|stats", "+slowlog|get", "+slowlog|len", "+latency|latest", "+config|get",
        "+acl|users", "+acl|getuser",
    ]

    /// The minimum of the reference plus naming the connection.
    static let minimumMonitoringRules = ["~*", "&*", "+ping", "+select", "+info", "+dbsize", "+role", "+client|setname"]

    private static func environmentPort(_ name: String, _ fallback: Int) -> Int {
        ProcessInfo.processInfo.environment[name].flatMap(Int.init) ?? fallback
    }

    /// A random suffix for names made by one test.
    static func uniqueSuffix() -> String {
        String(UInt64.random(in: 0...UInt64.max), radix: 36)
    }

    /// The collector catalogue, read from the repository's Resources/ folder.
    static func catalog() throws -> RedisCatalog {
        try RedisCatalog.load(read: RedisTestResources.read)
    }

    /// A logged-in admin connection (the default user with the servers' requirepass).
    func admin() throws -> RedisTestAdmin {
        try RedisTestAdmin(server: self)
    }

    /// A target for this server.
    func target(username: String, password: String, database: String = "0", engine: Engine? = nil) -> TargetConfig {
        TargetConfig(
            name: "test-\(label.lowercased().replacingOccurrences(of: " ", with: "-"))", engine: engine ?? self.engine, host: host,
            port: port, username: username, password: SecretValue(password), databaseName: database)
    }

    /// A driver for this server with the real catalogue.
    func driver(username: String, password: String, database: String = "0", engine: Engine? = nil) throws -> RedisDriver {
        RedisDriver(
            target: target(username: username, password: password, database: database, engine: engine), catalog: try Self.catalog(),
            agentVersion: "0.0.0-test")
    }
}

/// A test failure with a sentence for people.
struct RedisTestFailure: Error, CustomStringConvertible {
    let description: String
}

/// Reads `Resources/<path>` of the repository (found from this file's path).
enum RedisTestResources {
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static let read: @Sendable (String) -> String? = { path in
        try? String(contentsOf: root.appendingPathComponent("Resources").appendingPathComponent(path), encoding: .utf8)
    }
}

/// An admin connection to a test server, for setting up users and data and for checking what
/// the driver did.
final class RedisTestAdmin {
    let server: RedisTestServer
    let connection: RedisConnection
    private var users: [String] = []

    init(server: RedisTestServer, password: String = RedisTestServer.adminPassword) throws {
        self.server = server
        do {
            connection = try RedisConnection(host: server.host, port: server.port, connectTimeout: .seconds(5))
        } catch {
            throw RedisTestFailure(
                description: "\(server.label) on \(server.host):\(server.port) is not reachable (\(error.message)). "
                    + "Start the test databases with: bash scripts/test-databases.sh start")
        }
        connection.setCommandTimeout(.seconds(10))
        let reply = try connection.command(["AUTH", password])
        if let error = reply.errorMessage {
            throw RedisTestFailure(
                description: "\(server.label) rejected the admin password (\(error)); set LOGSTAG_TEST_ADMIN_PASSWORD or restart scripts/test-databases.sh.")
        }
    }

    deinit {
        for user in users { _ = try? connection.command(["ACL", "DELUSER", user]) }
        connection.close()
    }

    /// Runs a command and fails on an error reply.
    @discardableResult
    func run(_ arguments: [String]) throws -> RedisReply {
        let reply = try connection.command(arguments)
        if let error = reply.errorMessage {
            throw RedisTestFailure(description: "\(server.label): \(arguments.first ?? "") failed: \(error)")
        }
        return reply
    }

    /// Creates an enabled ACL user with a random name and password; deleted on deinit.
    func createUser(rules: [String], prefix: String = "logstag_test") throws -> (name: String, password: String) {
        let name = "\(prefix)_\(RedisTestServer.uniqueSuffix())"
        let password = "pw-\(RedisTestServer.uniqueSuffix())-\(RedisTestServer.uniqueSuffix())"
        try run(["ACL", "SETUSER", name, "reset", "on", ">" + password] + rules)
        users.append(name)
        return (name, password)
    }

    /// INFO <section> as key/value pairs.
    func info(_ section: String) throws -> [String: String] {
        guard case .string(let text) = try run(["INFO", section]) else {
            throw RedisTestFailure(description: "\(server.label): INFO \(section) did not answer with text")
        }
        return RedisInfoText.dictionary(text)
    }

    /// The product version the server reports (valkey_version for Valkey).
    func productVersion() throws -> String {
        let fields = try info("server")
        return fields["valkey_version"] ?? fields["redis_version"] ?? ""
    }

    /// How often each command was attempted, per INFO commandstats: `calls` plus
    /// `rejected_calls` (refused by ACL or arity before running), e.g. `config|set` -> 3.
    func commandAttempts() throws -> [String: Int] {
        guard case .string(let text) = try run(["INFO", "commandstats"]) else { return [:] }
        var attempts: [String: Int] = [:]
        for (key, value) in RedisInfoText.pairs(text) where key.hasPrefix("cmdstat_") {
            let attributes = Dictionary(RedisInfoText.attributes(value).map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
            attempts[String(key.dropFirst("cmdstat_".count))] =
                (Int(attributes["calls"] ?? "") ?? 0) + (Int(attributes["rejected_calls"] ?? "") ?? 0)
        }
        return attempts
    }

    /// The CLIENT LIST lines of connections logged in as `user`, as key/value maps.
    func clients(ofUser user: String) throws -> [[String: String]] {
        guard let text = try run(["CLIENT", "LIST"]).text else { return [] }
        return text.split(whereSeparator: \.isNewline).map { line in
            var fields: [String: String] = [:]
            for part in line.split(separator: " ") {
                if let equals = part.firstIndex(of: "=") {
                    fields[String(part[..<equals])] = String(part[part.index(after: equals)...])
                }
            }
            return fields
        }.filter { $0["user"] == user }
    }
}
