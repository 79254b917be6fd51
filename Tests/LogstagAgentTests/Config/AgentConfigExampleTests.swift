import Foundation
import Testing

@testable import LogstagAgent

@Suite("Agent configuration: the shipped example")
struct AgentConfigExampleTests {
    static func exampleText() throws -> String {
        try String(contentsOfFile: ConfigTestSupport.repositoryRoot() + "/Resources/config/agent.example.toml", encoding: .utf8)
    }

    @Test("Resources/config/agent.example.toml passes check() with no warnings")
    func exampleIsValid() throws {
        let text = try Self.exampleText()
        #expect(AgentConfigLoader.check(text: text) == [])
        #expect(AgentConfigLoader.warnings(text: text) == [])
        let config = try AgentConfigLoader.load(text: text, secrets: nil)
        #expect(config.agent.apiBaseURL == "https://logstag.example.com" && config.targets.isEmpty)
    }

    @Test("every key the example mentions in a comment is a real key, and its example targets load when uncommented")
    func commentedExamplesAreValid() throws {
        let directory = ConfigTestSupport.makeDirectory()
        defer { ConfigTestSupport.remove(directory) }
        let box = try SecretBox(stateDirectory: directory, createHostSecret: true, machineID: "example-host")
        var lines: [String] = []
        for line in try Self.exampleText().components(separatedBy: "\n") {
            // "# key = value" and "# [targets.x]" lines are commented-out settings.
            if line.range(of: #"^# (\[targets\.|[a-z_]+ = )"#, options: .regularExpression) != nil {
                lines.append(String(line.dropFirst(2)))
            } else {
                lines.append(line)
            }
        }
        var text = lines.joined(separator: "\n")
        while let range = text.range(of: "\"enc:v1:...\"") {
            text.replaceSubrange(range, with: "\"" + (try box.encrypt("example-secret")) + "\"")
        }
        let problems = AgentConfigLoader.check(text: text)
        #expect(problems == [])
        #expect(AgentConfigLoader.warnings(text: text) == [], "every example secret is encrypted")

        let config = try #require(throws: ConfigProblems.self) { try AgentConfigLoader.load(text: text, secrets: box) }
        // The example's CA files do not exist here; that is the only thing load() adds.
        #expect(config.problems.allSatisfy { $0.message.contains("does not exist") })
        #expect(Set(config.problems.compactMap(\.key)) == ["server_ca_file", "db_sslrootcert"])

        let withoutFiles = text.components(separatedBy: "\n").filter { !$0.hasPrefix("server_ca_file") && !$0.hasPrefix("db_sslrootcert") }
            .joined(separator: "\n")
        let loaded = try AgentConfigLoader.load(text: withoutFiles, secrets: box)
        #expect(loaded.targets.map(\.name) == ["production-postgres", "cache", "orders-rds"])
        #expect(loaded.agent.apiKey?.reveal() == "example-secret")
        #expect(loaded.targets.allSatisfy { $0.password.reveal() == "example-secret" })
        #expect(loaded.targets[2].cloud?.secretKey.reveal() == "example-secret")
    }
}
