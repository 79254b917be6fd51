import Foundation
import Logging
import LogstagCore
import Synchronization
import Testing

@testable import LogstagAgent

/// A scripted driver: the runner's scheduling and backoff logic are under test here; the real
/// drivers are tested against real servers in their own suites.
final class ScriptedDriver: EngineDriver, @unchecked Sendable {
    private var connected = false
    /// How long answering `isConnected` takes: widens the window in which concurrent callers
    /// all find the connection closed, as a loaded machine does.
    var isConnectedDelay: TimeInterval = 0
    var isConnected: Bool {
        if isConnectedDelay > 0 { Thread.sleep(forTimeInterval: isConnectedDelay) }
        return connected
    }
    var connectResults: [DriverError?]
    var connectAttempts = 0
    var collectDelay: TimeInterval = 0
    var connectDelay: TimeInterval = 0

    init(connectResults: [DriverError?]) { self.connectResults = connectResults }

    func connect() throws(DriverError) {
        connectAttempts += 1
        if connectDelay > 0 { Thread.sleep(forTimeInterval: connectDelay) }
        let result = connectResults.isEmpty ? nil : connectResults.removeFirst()
        if let result { throw result }
        connected = true
    }

    func collect(tier: Tier) throws(DriverError) -> TierCollection {
        if collectDelay > 0 { Thread.sleep(forTimeInterval: collectDelay) }
        return TierCollection(signals: [SignalPayload(name: "probe", status: .ok, durationMs: 1, rows: [["n": .number(1)]])])
    }

    func connectionTest() -> ConnectionTestResult { ConnectionTestResult(success: isConnected, engine: .postgresql, agentVersion: "test") }
    func close() { connected = false }
}

final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value = Date(timeIntervalSince1970: 1_800_000_000)
    var now: Date { lock.withLock { value } }
    func advance(_ seconds: TimeInterval) { lock.withLock { value = value.addingTimeInterval(seconds) } }
}

@Suite("Target runner")
struct TargetRunnerTests {
    let target = TargetConfig(
        name: "main", engine: .postgresql, host: "127.0.0.1", port: 1, username: "u", password: SecretValue("pw"), databaseName: "postgres",
        assetID: "asset-1")

    @Test("A tick while the same tier still runs is skipped, not queued")
    func skipsBusyTier() async throws {
        let driver = ScriptedDriver(connectResults: [nil])
        driver.collectDelay = 0.5
        let runner = TargetRunner(target: target, driver: driver, logger: Logger(label: "test"))
        async let first = runner.collect(.high)
        try await Task.sleep(for: .milliseconds(100))
        let second = await runner.collect(.high)
        #expect(second == nil)
        let firstPayload = await first
        #expect(firstPayload?.signals.first?.name == "probe")
        #expect(await runner.stats.skippedTicks == 1)
        // Another tier is not blocked by the busy one.
        #expect(await runner.collect(.low)?.targetStatus.ok == true)
    }

    @Test("A wrong password costs one login per 5 minutes; the ticks in between report the failure")
    func authFailureWaits() async throws {
        let clock = ManualClock()
        let denied = DriverError(reason: .auth, message: "password authentication failed for user \"u\"")
        let driver = ScriptedDriver(connectResults: [denied, denied, nil])
        let runner = TargetRunner(target: target, driver: driver, logger: Logger(label: "test"), now: { clock.now })
        for _ in 0..<29 {  // 29 ticks of 10 s = 290 s
            let payload = await runner.collect(.high)
            #expect(payload?.targetStatus.ok == false)
            #expect(payload?.targetStatus.reason == .auth)
            #expect(payload?.assetID == "asset-1")
            clock.advance(10)
        }
        #expect(driver.connectAttempts == 1)
        clock.advance(10)
        _ = await runner.collect(.high)
        #expect(driver.connectAttempts == 2)
        clock.advance(300)
        #expect(await runner.collect(.high)?.targetStatus.ok == true)
        #expect(driver.connectAttempts == 3)
    }

    @Test("An unreachable target backs off, but is retried at once when its port accepts connections again")
    func reconnectsWhenPortOpens() async throws {
        let clock = ManualClock()
        // A listening socket stands in for "the database is back".
        let listener = try LoopbackListener()
        let reachableTarget = TargetConfig(
            name: "main", engine: .postgresql, host: "127.0.0.1", port: listener.port, username: "u", password: SecretValue("pw"),
            databaseName: "postgres", assetID: "asset-1")
        let refused = DriverError(reason: .unreachable, message: "connection refused")
        let driver = ScriptedDriver(connectResults: [refused, refused, refused, nil])
        let runner = TargetRunner(target: reachableTarget, driver: driver, logger: Logger(label: "test"), now: { clock.now })
        listener.close()
        _ = await runner.collect(.high)  // attempt 1 fails: wait 5 s
        clock.advance(5)
        _ = await runner.collect(.high)  // attempt 2 fails: wait 10 s
        clock.advance(10)
        _ = await runner.collect(.high)  // attempt 3 fails: wait 20 s
        #expect(driver.connectAttempts == 3)
        clock.advance(1)
        #expect(await runner.collect(.high)?.targetStatus.ok == false)  // port closed: no attempt
        #expect(driver.connectAttempts == 3)
        let reopened = try LoopbackListener(port: reachableTarget.port)
        defer { reopened.close() }
        clock.advance(1)
        #expect(await runner.collect(.high)?.targetStatus.ok == true)  // within one tick of coming back
        #expect(driver.connectAttempts == 4)
    }
}

/// A TCP listener on 127.0.0.1 (the backlog accepts connections without an accept loop).
final class LoopbackListener: @unchecked Sendable {
    let fd: Int32
    let port: Int

    init(port: Int = 0) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: actual.sin_port))
    }

    func close() { _ = Glibc.close(fd) }
}

@Suite("Target runner: connection tests and the login backoff")
struct TargetRunnerConnectionTestTests {
    let target = TargetConfig(
        name: "main", engine: .redis, host: "127.0.0.1", port: 1, username: "u", password: SecretValue("pw"), databaseName: "0",
        assetID: "asset-1")

    @Test("A connection test whose login is refused starts the 5-minute wait; the next tick does not log in again")
    func testThenTick() async {
        let clock = ManualClock()
        let denied = DriverError(reason: .auth, message: "WRONGPASS invalid username-password pair")
        let driver = ScriptedDriver(connectResults: [denied, nil])
        let runner = TargetRunner(target: target, driver: driver, logger: Logger(label: "test"), now: { clock.now })
        let result = await runner.connectionTest()
        #expect(!result.success)
        #expect(result.checks.first?.status == .fail)
        #expect(result.fixSuggestions.first?.contains("db_password") == true)
        clock.advance(10)
        #expect(await runner.collect(.high)?.targetStatus.reason == .auth)
        #expect(await runner.connectionTest().success == false)
        #expect(driver.connectAttempts == 1)
        clock.advance(300)
        #expect(await runner.connectionTest().success)
        #expect(driver.connectAttempts == 2)
    }

    @Test("A tick, a snapshot and a connection test arriving during one refused login share it: one failed login in all")
    func concurrentCallersShareOneLogin() async {
        let clock = ManualClock()
        let denied = DriverError(reason: .auth, message: "WRONGPASS invalid username-password pair")
        let driver = ScriptedDriver(connectResults: [denied, nil])
        driver.connectDelay = 0.2
        driver.isConnectedDelay = 0.1
        let runner = TargetRunner(target: target, driver: driver, logger: Logger(label: "test"), now: { clock.now })
        async let tick = runner.collect(.high)
        async let snapshot = runner.collect(.medium)
        async let test = runner.connectionTest()
        let (tickPayload, snapshotPayload, testResult) = await (tick, snapshot, test)
        #expect(tickPayload?.targetStatus.reason == .auth)
        #expect(snapshotPayload?.targetStatus.reason == .auth)
        #expect(!testResult.success)
        #expect(driver.connectAttempts == 1)
        #expect(await runner.stats.failedConnects == 1)
        clock.advance(300)
        #expect(await runner.collect(.high)?.targetStatus.ok == true)
        #expect(driver.connectAttempts == 2)
    }
}
