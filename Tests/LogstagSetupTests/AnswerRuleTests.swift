import LogstagCore
import Testing

@testable import LogstagSetup

@Suite("Answer rules match the server's and the agent loader's")
struct AnswerRuleTests {
    @Test("Server URLs need a scheme and a host; trailing slashes are dropped")
    func serverURL() throws {
        #expect(try ServerURL.parse(" https://logstag.example.com/ ").text == "https://logstag.example.com")
        #expect(try ServerURL.parse("http://127.0.0.1:8080").isPlainHTTPToRemoteHost == false)
        #expect(try ServerURL.parse("http://logstag.example.com").isPlainHTTPToRemoteHost == true)
        for bad in ["", "logstag.example.com", "ftp://x", "https://", "https://a b", "https://x/?q=1", "https://user@x"] {
            #expect(throws: AnswerProblem.self, "\(bad)") { try ServerURL.parse(bad) }
        }
    }

    @Test("API keys are checked for prefix and checksum before they are sent; other token kinds are named")
    func apiKeyShape() throws {
        let good = TokenFormat.generate(.apiKey).raw
        #expect(try APIKeySource.parse("  \(good)\n").reveal() == good)
        var damaged = Array(good)
        damaged[10] = damaged[10] == "a" ? "b" : "a"
        #expect(throws: AnswerProblem.self) { try APIKeySource.parse(String(damaged)) }
        do {
            _ = try APIKeySource.parse(TokenFormat.generate(.registration).raw)
            Issue.record("a registration token was accepted as an API key")
        } catch {
            #expect(error.message.contains("API keys start with lsk_"))
            #expect(!error.message.contains("lsr_"))
        }
    }

    @Test("The API key comes from LOGSTAG_API_KEY_FILE before LOGSTAG_API_KEY, never echoed in errors")
    func apiKeyFromEnvironment() throws {
        let key = TokenFormat.generate(.apiKey).raw
        #expect(try APIKeySource.resolve(environment: [:]) == nil)
        #expect(try APIKeySource.resolve(environment: ["LOGSTAG_API_KEY": key])?.origin == "LOGSTAG_API_KEY")
        let bad = "lsk_" + String(repeating: "x", count: 50)
        do {
            _ = try APIKeySource.resolve(environment: ["LOGSTAG_API_KEY": bad])
            Issue.record("a malformed key was accepted")
        } catch {
            #expect(error.exitCode == 1 && error.message.contains("LOGSTAG_API_KEY") && !error.message.contains(bad))
        }
        #expect(throws: SetupStop.self) { try APIKeySource.resolve(environment: ["LOGSTAG_API_KEY_FILE": "/nonexistent/key"]) }
    }

    @Test("The asset list understands numbers, new, paging and search text")
    func assetListAnswers() throws {
        #expect(try AssetPicker.interpret("2", itemCount: 3, page: 1, pages: 1) == .pick(1))
        #expect(try AssetPicker.interpret("NEW", itemCount: 3, page: 1, pages: 1) == .create)
        #expect(try AssetPicker.interpret(">", itemCount: 20, page: 1, pages: 2) == .page(2))
        #expect(try AssetPicker.interpret("orders", itemCount: 3, page: 1, pages: 1) == .search("orders"))
        #expect(try AssetPicker.interpret("*", itemCount: 3, page: 1, pages: 1) == .search(nil))
        #expect(throws: AnswerProblem("4 is not in the list; type a number from 1 to 3.")) {
            try AssetPicker.interpret("4", itemCount: 3, page: 1, pages: 1)
        }
        #expect(throws: AnswerProblem("This is the last page.")) { try AssetPicker.interpret(">", itemCount: 3, page: 1, pages: 1) }
    }

    @Test("Target names are snake or kebab case and unique")
    func targetNames() throws {
        #expect(try TargetAnswerRules.targetName(" orders_db ", existing: []) == "orders_db")
        #expect(try TargetAnswerRules.targetName("cache-2", existing: ["orders_db"]) == "cache-2")
        for bad in ["", "Orders", "orders db", "_x", "-x", "a.b", String(repeating: "a", count: 64)] {
            #expect(throws: AnswerProblem.self, "\(bad)") { try TargetAnswerRules.targetName(bad, existing: []) }
        }
        #expect(throws: AnswerProblem.self) { try TargetAnswerRules.targetName("main", existing: ["main"]) }
    }

    @Test("Ports, Redis database numbers and PostgreSQL user names follow the agent loader's rules")
    func connectionAnswers() throws {
        #expect(try TargetAnswerRules.port("5432") == 5432)
        for bad in ["0", "65536", "abc", "-1"] { #expect(throws: AnswerProblem.self) { try TargetAnswerRules.port(bad) } }
        #expect(try TargetAnswerRules.databaseName("15", engine: .redis) == "15")
        for bad in ["16", "01", "x", ""] { #expect(throws: AnswerProblem.self) { try TargetAnswerRules.databaseName(bad, engine: .valkey) } }
        #expect(try TargetAnswerRules.databaseName("app", engine: .postgresql) == "app")
        #expect(throws: AnswerProblem.self) { try TargetAnswerRules.username("", engine: .postgresql) }
        #expect(try TargetAnswerRules.username("", engine: .redis) == "")
        #expect(throws: AnswerProblem.self) { try TargetAnswerRules.host("db.example.com:5432/x") }
    }

    @Test("The agent's server URL is checked by the agent loader itself: https, or http only to loopback")
    func agentServerURL() throws {
        #expect(try TargetAnswerRules.agentServerURL("https://logstag.example.com/") == "https://logstag.example.com")
        #expect(try TargetAnswerRules.agentServerURL("http://127.0.0.1:8080") == "http://127.0.0.1:8080")
        #expect(throws: AnswerProblem.self) { try TargetAnswerRules.agentServerURL("http://logstag.example.com") }
    }
}
