import LogstagCore

/// `logstag --mode agent --test-connection [--target NAME]`: connects to each target (or the
/// named one) and prints reachability, authentication and the prerequisite checks.
///
/// Contract: returns 0 when every tested target connected and authenticated, 1 otherwise;
/// failed checks print their fix suggestions. No secret is printed.
public enum TestConnectionAction {
    public static func run(config: AgentConfig, targetName: String?, output: (String) -> Void) -> Int32 {
        let targets = config.targets.filter { targetName == nil || $0.name == targetName }
        guard !targets.isEmpty else {
            output(targetName.map { "No target named \"\($0)\" in the configuration." } ?? "The configuration has no [targets.<name>] table to test.")
            return 1
        }
        var allPassed = true
        for target in targets {
            let result = AgentConnectionTest.run(target: target)
            allPassed = allPassed && result.success
            output("[\(target.name)] \(target.engine.displayName) \(target.host):\(target.port) database \(target.databaseName): "
                + (result.success ? "connected" : "FAILED") + (result.serverVersion.map { " (server \($0))" } ?? ""))
            for check in result.checks {
                output("  \(check.status.rawValue.uppercased().padding(toLength: 7, withPad: " ", startingAt: 0)) \(check.name)"
                    + (check.detail.map { ": \($0)" } ?? ""))
            }
            for issue in result.configurationIssues { output("  issue: \(issue)") }
            for fix in result.fixSuggestions { output("  fix:   \(fix)") }
        }
        return allPassed ? 0 : 1
    }
}
