import Foundation

/// `logstag --mode agent --check-config`: validates the file without connecting anywhere.
///
/// Contract: prints every problem (`line N: key "x": ...`) and every warning, then a one-line
/// verdict; returns exit code 0 when there are no problems and 1 otherwise. It also checks
/// that the file is private (mode 0600 or stricter), because the agent refuses to start
/// otherwise. Nothing is decrypted and no connection is opened.
public enum CheckConfigAction {
    public static func run(configPath: String, output: (String) -> Void) -> Int32 {
        guard let data = FileManager.default.contents(atPath: configPath), let text = String(data: data, encoding: .utf8) else {
            output("\(configPath): cannot read the file (does it exist, and may this user read it?).")
            return 1
        }
        var problems = AgentConfigLoader.check(text: text).map { "\(configPath): \($0)" }
        do {
            try FilePermissions.requirePrivate(path: configPath, what: "The agent configuration")
        } catch {
            problems.append("\(configPath): \(error.message)")
        }
        for warning in AgentConfigLoader.warnings(text: text) { output("\(configPath): warning: \(warning)") }
        for problem in problems { output(problem) }
        if problems.isEmpty {
            output("\(configPath): configuration OK (no connection was attempted; use --test-connection to check the targets).")
            return 0
        }
        output("\(configPath): \(problems.count) problem\(problems.count == 1 ? "" : "s") found.")
        return 1
    }
}
