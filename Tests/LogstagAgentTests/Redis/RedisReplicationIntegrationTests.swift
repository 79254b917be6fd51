import Foundation
import LogstagCore
import Testing

@testable import LogstagAgent

/// Replication signals with a real replica: each test starts a throwaway replica of the test
/// server (same executable, its own port and directory), reads both sides, and stops it.
@Suite("Redis replication against real servers")
struct RedisReplicationIntegrationTests {
    @Test("ROLE and INFO replication describe a live replica on both sides", arguments: RedisTestServer.all)
    func replicaAndPrimary(server: RedisTestServer) throws {
        let admin = try server.admin()
        let executable = try #require(try admin.info("server")["executable"], "INFO server names no executable")
        let replica = try RedisTestReplica.start(executable: executable, primary: server)
        defer { replica.stop() }
        try replica.waitUntilLinked()

        // The replica's side.
        var replicaTarget = server.target(username: "", password: RedisTestServer.adminPassword)
        replicaTarget.port = replica.port
        let replicaDriver = RedisDriver(target: replicaTarget, catalog: try RedisTestServer.catalog(), agentVersion: "0.0.0-test")
        defer { replicaDriver.close() }
        let high = try replicaDriver.collect(tier: .high)
        let role = try #require(high.signals.first { $0.name == "redis_role" }?.rows.first)
        #expect(role["role"] == .string("slave"))
        #expect(role["master_host"] == .string("127.0.0.1"))
        #expect(role["master_port"]?.doubleValue == Double(server.port))
        #expect(role["link_state"] == .string("connected"))
        #expect(role["replication_offset"]?.doubleValue != nil)
        let replication = try #require(high.signals.first { $0.name == "redis_replication" }?.rows.first)
        #expect(replication["role"] == .string("slave"))
        #expect(replication["master_link_status"] == .string("up"))
        #expect(replication["master_port"]?.doubleValue == Double(server.port))
        #expect(replication["slave_repl_offset"]?.doubleValue != nil)

        // The primary's side: one ROLE row per replica, labelled by its address.
        let primaryDriver = try server.driver(username: "", password: RedisTestServer.adminPassword)
        defer { primaryDriver.close() }
        let primaryRole = try #require(try primaryDriver.collect(tier: .high).signals.first { $0.name == "redis_role" })
        let summary = try #require(primaryRole.rows.first)
        #expect(summary["role"] == .string("master"))
        #expect((summary["connected_replicas"]?.doubleValue ?? 0) >= 1)
        let replicaRow = try #require(primaryRole.rows.first { $0["tag_replica"] == .string("127.0.0.1:\(replica.port)") })
        #expect(replicaRow["replica_offset"]?.doubleValue != nil)
    }
}

/// A replica server started by a test and shut down by it.
///
/// It runs daemonized with a pid file in its own directory, like scripts/test-databases.sh
/// runs the primaries; `stop()` sends SHUTDOWN NOSAVE and, should that fail, SIGKILL to the pid
/// of the pid file once /proc confirms it is this replica (the server title names its port).
final class RedisTestReplica {
    let port: Int
    private let directory: URL
    private let primary: RedisTestServer
    private var stopped = false

    private var configPath: String { directory.appendingPathComponent("server.conf").path }
    private var pidPath: String { directory.appendingPathComponent("server.pid").path }
    private var replicaServer: RedisTestServer {
        RedisTestServer(label: primary.label + " replica", engine: primary.engine, port: port, major: primary.major)
    }

    /// Starts a replica on a free port; a start that does not accept connections within 15 s
    /// (its port was taken between the probe and the server's bind) is retried on another port.
    static func start(executable: String, primary: RedisTestServer) throws -> RedisTestReplica {
        var failures: [String] = []
        for _ in 1...3 {
            let replica = try RedisTestReplica(executable: executable, primary: primary)
            if replica.waitUntilAccepting(seconds: 15) { return replica }
            failures.append("port \(replica.port): \(replica.logTail())")
            replica.stop()
        }
        throw RedisTestFailure(description: "No replica of \(primary.label) accepted connections: " + failures.joined(separator: "; "))
    }

    init(executable: String, primary: RedisTestServer) throws {
        self.primary = primary
        // A port the kernel just found free, rather than a random one that may be in use.
        let probe = try LoopbackListener()
        port = probe.port
        probe.close()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("logstag-redis-replica-\(RedisTestServer.uniqueSuffix())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // The password goes into a 0600 config file, not argv.
        let config = """
            bind 127.0.0.1
            port \(port)
            daemonize yes
            pidfile \(directory.appendingPathComponent("server.pid").path)
            dir \(directory.path)
            logfile \(directory.appendingPathComponent("server.log").path)
            save ""
            appendonly no
            replicaof 127.0.0.1 \(primary.port)
            masterauth \(RedisTestServer.adminPassword)
            requirepass \(RedisTestServer.adminPassword)

            """
        guard FileManager.default.createFile(atPath: configPath, contents: Data(config.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw RedisTestFailure(description: "Could not write \(configPath)")
        }
        let launcher = Process()
        launcher.executableURL = URL(fileURLWithPath: executable)
        launcher.arguments = [configPath]
        try launcher.run()
        // With daemonize the launched process forks the server and exits at once.
        let deadline = ContinuousClock.now + .seconds(10)
        while launcher.isRunning, ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.05) }
    }

    func waitUntilAccepting(seconds: Int) -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if (try? RedisTestAdmin(server: replicaServer)) != nil { return true }
            Thread.sleep(forTimeInterval: 0.2)
        }
        return false
    }

    /// The last lines of the replica's log, for a failure message (the directory goes with stop()).
    func logTail() -> String {
        let log = (try? String(contentsOfFile: directory.appendingPathComponent("server.log").path, encoding: .utf8)) ?? "no log"
        return log.split(separator: "\n").suffix(3).joined(separator: " | ")
    }

    /// Waits until the replica reports `master_link_status:up`.
    func waitUntilLinked() throws {
        let deadline = ContinuousClock.now + .seconds(60)
        var last = "not started"
        while ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.2)
            guard let admin = try? RedisTestAdmin(server: replicaServer) else {
                last = "not accepting connections"
                continue
            }
            let link = (try? admin.info("replication")["master_link_status"]) ?? nil
            if link == "up" { return }
            last = "master_link_status \(link ?? "missing")"
        }
        throw RedisTestFailure(description: "The replica on port \(port) did not link to \(primary.label) (\(last)); see \(directory.path)/server.log")
    }

    func stop() {
        guard !stopped else { return }
        stopped = true
        if let admin = try? RedisTestAdmin(server: replicaServer) {
            _ = try? admin.connection.command(["SHUTDOWN", "NOSAVE"])
        }
        let deadline = ContinuousClock.now + .seconds(5)
        while let pid = replicaPID(), ContinuousClock.now < deadline {
            if ContinuousClock.now + .seconds(3) > deadline { kill(pid, SIGKILL) }
            Thread.sleep(forTimeInterval: 0.1)
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// The replica's pid while it runs: from its pid file, confirmed by its command line.
    private func replicaPID() -> pid_t? {
        guard let text = try? String(contentsOfFile: pidPath, encoding: .utf8),
            let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)),
            let commandLine = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"),
            String(decoding: commandLine, as: UTF8.self).contains(String(port))
        else { return nil }
        return pid
    }

    deinit { stop() }
}
