import LogstagCore

/// Prints a `ConnectionTestResult` the way the wizard's step 3 shows it: the verdict, each
/// prerequisite with pass/fail, the configuration issues and the fix suggestions.
///
/// Contract: prints only what the result holds (drivers guarantee it has no credentials).
struct ConnectionTestReport {
    let prompter: Prompter

    func show(_ result: ConnectionTestResult) {
        let place = [result.host, result.port.map(String.init)].compactMap { $0 }.joined(separator: ":")
        let version = result.serverVersion.map { ", server version \($0)" } ?? ""
        prompter.say()
        prompter.say(result.success
            ? "Connection test PASSED: \(result.engine.displayName) at \(place)\(version)."
            : "Connection test FAILED: \(result.engine.displayName) at \(place)\(version).")
        if !result.checks.isEmpty {
            prompter.say("Prerequisites:")
            for check in result.checks {
                let detail = check.detail.map { ": \($0)" } ?? ""
                prompter.say("  [\(Self.label(check.status))] \(check.name)\(detail)")
            }
        }
        if !result.configurationIssues.isEmpty {
            prompter.say("Issues:")
            for issue in result.configurationIssues { prompter.say("  - \(issue)") }
        }
        if !result.fixSuggestions.isEmpty {
            prompter.say("How to fix:")
            for fix in result.fixSuggestions { prompter.say("  - \(fix)") }
        }
    }

    static func label(_ status: CheckStatus) -> String {
        switch status {
        case .pass: "pass"
        case .fail: "FAIL"
        case .warn: "warn"
        case .unknown: "unknown"
        }
    }
}
