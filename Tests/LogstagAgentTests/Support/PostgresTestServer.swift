import Foundation
import LogstagCore
import Testing

@testable import LogstagAgent

/// The real PostgreSQL 15 server that `scripts/test-databases.sh start` runs on loopback, and
/// admin sessions to prepare it.
///
/// Contract: the port and the superuser password come from `LOGSTAG_TEST_PG_PORT` and
/// `LOGSTAG_TEST_ADMIN_PASSWORD` (defaults match the script). `admin()` throws an error whose
/// message says to run the script when the server is down, so tests fail, never skip. Roles
/// and databases made here carry a random suffix so parallel tests and reruns do not collide;
/// databases are created with CONNECT revoked from PUBLIC, so one test's databases do not show
/// up in another test's discovery. Admin sessions use `application_name = logstag-test-admin`
/// and may write.
enum PostgresTestServer {
    static let host = "127.0.0.1"

    static var port: Int {
        ProcessInfo.processInfo.environment["LOGSTAG_TEST_PG_PORT"].flatMap(Int.init) ?? 55432
    }

    static var adminPassword: String {
        ProcessInfo.processInfo.environment["LOGSTAG_TEST_ADMIN_PASSWORD"] ?? "logstag-test-admin"
    }

    struct Unreachable: Error, CustomStringConvertible {
        var detail: String
        var description: String {
            "The PostgreSQL test server on \(PostgresTestServer.host):\(PostgresTestServer.port) is not reachable (\(detail)). Run `bash scripts/test-databases.sh start` first."
        }
    }

    /// A lowercase name with a random suffix: `prefix_a1b2c3d4`.
    static func uniqueName(_ prefix: String) -> String {
        let suffix = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(10)
        return "\(prefix)_\(suffix)"
    }

    /// A target for the driver.
    static func target(user: String = "postgres", password: String? = nil, database: String = "postgres", port: Int? = nil)
        -> TargetConfig
    {
        TargetConfig(
            name: "pg-test", engine: .postgresql, host: host, port: port ?? self.port, username: user,
            password: SecretValue(password ?? adminPassword), databaseName: database, sslMode: "disable")
    }

    /// A writable superuser session on `database`.
    static func admin(database: String = "postgres") throws -> PostgresAdmin {
        var parameters = PostgresConnectionParameters(target: target(database: database))
        parameters.applicationName = "logstag-test-admin"
        let connection: PostgresConnection
        do {
            connection = try PostgresConnection.open(parameters)
        } catch {
            throw Unreachable(detail: error.message)
        }
        let admin = PostgresAdmin(connection: connection)
        try admin.execute("SET default_transaction_read_only = off")
        try admin.execute("SET statement_timeout = 0")
        try admin.execute("SET lock_timeout = 0")
        try admin.execute("SET idle_in_transaction_session_timeout = 0")
        return admin
    }

    /// Creates a login role; `grants` are roles it becomes a member of (e.g. `pg_monitor`).
    static func createLoginRole(_ name: String, password: String, memberOf grants: [String] = []) throws {
        let admin = try admin()
        defer { admin.close() }
        try admin.execute("CREATE ROLE \(name) LOGIN PASSWORD '\(password)'")
        for grant in grants { try admin.execute("GRANT \(grant) TO \(name)") }
    }

    /// Creates a database that only `connectableBy` (and superusers) may connect to.
    static func createDatabase(_ name: String, connectableBy users: [String] = []) throws {
        let admin = try admin()
        defer { admin.close() }
        try admin.execute("CREATE DATABASE \(name)")
        try admin.execute("REVOKE CONNECT ON DATABASE \(name) FROM PUBLIC")
        for user in users { try admin.execute("GRANT CONNECT ON DATABASE \(name) TO \(user)") }
    }

    /// Drops databases and roles, ignoring ones that are already gone.
    static func drop(databases: [String] = [], roles: [String] = []) {
        guard let admin = try? admin() else { return }
        defer { admin.close() }
        for database in databases { try? admin.execute("DROP DATABASE IF EXISTS \(database) WITH (FORCE)") }
        for role in roles {
            try? admin.execute("DROP OWNED BY \(role)")
            try? admin.execute("DROP ROLE IF EXISTS \(role)")
        }
    }

    /// The collector catalogue, read from the repository's Resources/ folder.
    static func catalog() throws -> PostgresCatalog {
        try PostgresCatalog.load(read: PostgresTestResources.read)
    }

    /// A driver for `target` with the repository's catalogue.
    static func driver(_ target: TargetConfig) throws -> PostgresDriver {
        PostgresDriver(target: target, catalog: try catalog(), agentVersion: "0.0.0-test")
    }

    /// Polls until `condition` holds or `seconds` pass; returns whether it held.
    static func eventually(seconds: Double = 10, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return try condition()
    }

    /// Fails with the script hint unless the server answers.
    static func requireServer() throws {
        try admin().close()
    }
}

/// A superuser session for preparing the server; runs one statement per call.
final class PostgresAdmin {
    private let connection: PostgresConnection

    init(connection: PostgresConnection) {
        self.connection = connection
    }

    deinit { connection.close() }

    func execute(_ sql: String) throws {
        try connection.query(sql)
    }

    @discardableResult
    func query(_ sql: String, _ parameters: [String?] = []) throws -> PostgresRows {
        try connection.query(sql, parameters: parameters)
    }

    /// The single value of a one-row, one-column query.
    func scalar(_ sql: String, _ parameters: [String?] = []) throws -> String? {
        try query(sql, parameters).rows.first?.first ?? nil
    }

    var backendPID: Int { connection.backendPID }

    func close() { connection.close() }
}

/// Reads `Resources/<path>` of the repository, found from this file's real path (the test
/// folders may be symlinked into a scratch package).
enum PostgresTestResources {
    static let root: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func read(_ path: String) -> String? {
        try? String(contentsOf: root.appendingPathComponent("Resources").appendingPathComponent(path), encoding: .utf8)
    }

    /// Every file name in `Resources/collectors/postgresql`.
    static func collectorFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("Resources/collectors/postgresql").path)
    }
}

/// Runs statements on its own admin session in a background thread (a blocked UPDATE, a
/// long `pg_sleep`), so the test thread can collect meanwhile.
///
/// Contract: `pid` is the session's backend pid once connected; `waitUntilFinished` waits
/// for the last statement to return; `failure` holds the first error, if any.
final class PostgresBackgroundSession: @unchecked Sendable {
    private let lock = NSLock()
    private var backendPID: Int?
    private var firstFailure: String?
    private let connected = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    init(database: String = "postgres", statements: [String]) {
        let thread = Thread { [self] in
            do {
                let admin = try PostgresTestServer.admin(database: database)
                defer { admin.close() }
                lock.withLock { backendPID = admin.backendPID }
                connected.signal()
                for statement in statements { try admin.execute(statement) }
            } catch {
                lock.withLock { firstFailure = "\(error)" }
                connected.signal()
            }
            finished.signal()
        }
        thread.start()
    }

    /// The backend pid, after waiting up to 10 s for the session to connect.
    func pid() throws -> Int {
        _ = connected.wait(timeout: .now() + 10)
        connected.signal()
        guard let pid = lock.withLock({ backendPID }) else {
            throw PostgresTestServer.Unreachable(detail: failure ?? "the background session did not connect")
        }
        return pid
    }

    var failure: String? { lock.withLock { firstFailure } }

    @discardableResult
    func waitUntilFinished(seconds: Double = 30) -> Bool {
        finished.wait(timeout: .now() + seconds) == .success
    }
}

extension TierCollection {
    /// The payload of signal `name`, failing the test when it is missing.
    func pgSignal(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> SignalPayload {
        try #require(signals.first { $0.name == name }, "signal \(name) missing from the tier", sourceLocation: sourceLocation)
    }
}

extension SignalPayload {
    /// Rows whose `column` is the string `value`.
    func pgRows(where column: String, is value: String) -> [[String: JSONValue]] {
        rows.filter { $0[column]?.stringValue == value }
    }
}
