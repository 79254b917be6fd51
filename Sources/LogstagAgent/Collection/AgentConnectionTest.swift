import LogstagCore

/// A one-off connection test of a configured target, outside the scheduler (used by
/// `--test-connection` and by setup mode).
///
/// Contract: opens the target's single connection, runs the engine's prerequisite checks,
/// closes the connection and returns the result; never throws (a target whose engine has no
/// driver yields a failed result saying so).
public enum AgentConnectionTest {
    public static func run(target: TargetConfig, agentVersion: String = LogstagVersion.current) -> ConnectionTestResult {
        do {
            let driver = try EngineDrivers.make(for: target, agentVersion: agentVersion)
            defer { driver.close() }
            return driver.connectionTest()
        } catch {
            return ConnectionTestResult(
                success: false, targetDatabase: target.databaseName, engine: target.engine, host: target.host, port: target.port,
                agentVersion: agentVersion, configurationIssues: [error.message])
        }
    }
}
