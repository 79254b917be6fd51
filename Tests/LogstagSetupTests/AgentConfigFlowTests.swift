import Foundation
import LogstagAgent
import LogstagCore
import Testing

@testable import LogstagSetup

/// Flow B against real files in a temporary directory: the written target must load with the
/// agent's own loader and its password must decrypt with the host key setup created.
@Suite("--write-agent-config writes a target the agent loads, and nothing before the confirmation")
struct AgentConfigFlowTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("setup-flow-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    var configPath: String { directory.appendingPathComponent("agent.toml").path }
    var stateDirectory: String { directory.appendingPathComponent("state").path }

    func run(_ answers: [String], arguments: SetupArguments = SetupArguments(), environment: [String: String] = [:]) -> (Int32, ScriptedTerminal) {
        let terminal = ScriptedTerminal(answers)
        var arguments = arguments
        arguments.writeAgentConfig = true
        arguments.stateDirectory = arguments.stateDirectory ?? stateDirectory
        let code = SetupMode.run(arguments: arguments, terminal: terminal, environment: environment, transport: UnusedTransport())
        return (code, terminal)
    }

    @Test("A new file gets [agent] api_base_url, state_dir and the target; the password is encrypted and decrypts")
    func writesNewFile() throws {
        let password = "pw-\(UUID().uuidString)"
        let answers = [
            configPath, "http://127.0.0.1:8080",  // file, api_base_url
            "Orders DB", "orders_db",  // target name: refused, then accepted
            "6", "1",  // engine: Oracle refused, PostgreSQL
            "1",  // self-hosted
            "", "99999", "6543",  // host default, bad port, port
            "", "logstag_monitor",  // user: empty refused for PostgreSQL
            password, "mismatch", password, password,  // password twice, once mismatched
            "",  // database: postgres
            "4",  // sslmode require
            "y", "n",  // write, no test
        ]
        let (code, terminal) = run(answers)
        #expect(code == 0, "\(terminal.errors)\n\(terminal.output)")
        #expect(terminal.unusedAnswers == 0)
        #expect(terminal.output.contains("Use lowercase letters, digits, _ and - only"))
        #expect(terminal.output.contains("collects from PostgreSQL, Redis and Valkey only"))
        #expect(terminal.output.contains("99999 is not a TCP port"))
        #expect(terminal.output.contains("PostgreSQL needs a user name"))
        #expect(terminal.output.contains("The two entries do not match"))
        #expect(!terminal.output.contains(password))

        let text = try String(contentsOfFile: configPath, encoding: .utf8)
        #expect(!text.contains(password))
        #expect(text.contains("db_password = \"enc:v1:"))
        let mode = try FileManager.default.attributesOfItem(atPath: configPath)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let config = try AgentConfigLoader.loadFile(path: configPath)
        #expect(config.agent.apiBaseURL == "http://127.0.0.1:8080")
        #expect(config.agent.stateDirectory == stateDirectory)
        let target = try #require(config.targets.first)
        #expect(target.name == "orders_db" && target.engine == .postgresql && target.host == "127.0.0.1" && target.port == 6543)
        #expect(target.username == "logstag_monitor" && target.databaseName == "postgres" && target.sslMode == "require")
        #expect(target.password.reveal() == password)
    }

    @Test("An existing file keeps its text; a taken target name is refused; Valkey allows an empty password")
    func appendsToExistingFile() throws {
        let original = """
            # hand-written comment
            [agent]
            api_base_url = "https://logstag.example.com"   # keep me
            state_dir = "\(stateDirectory)"

            [targets.main]
            platform = "self-hosted"
            db_engine = "redis"
            db_host = "127.0.0.1"
            db_port = 6379
            db_username = ""
            db_password = ""
            db_name = "0"

            """
        try original.write(toFile: configPath, atomically: true, encoding: .utf8)
        chmod(configPath, 0o600)
        let (code, terminal) = run(
            ["main", "cache-2", "", "", "", "", "y", "n"],
            arguments: SetupArguments(
                engine: "valkey", agentConfig: configPath, databaseHost: "10.0.0.5", databaseUsername: "", databaseName: "3"))
        #expect(code == 0, "\(terminal.errors)\n\(terminal.output)")
        #expect(terminal.output.contains("already has a target named \"main\""))
        let text = try String(contentsOfFile: configPath, encoding: .utf8)
        #expect(text.hasPrefix(original))
        let config = try AgentConfigLoader.loadFile(path: configPath)
        #expect(config.targets.map(\.name) == ["main", "cache-2"])
        let added = try #require(config.targets.last)
        #expect(added.engine == .valkey && added.host == "10.0.0.5" && added.port == 6379 && added.databaseName == "3")
        #expect(added.password.isEmpty)
    }

    @Test("An AWS RDS target also gets its cloud keys, with the secret access key encrypted")
    func awsTarget() throws {
        let secretKey = "aws-secret-\(UUID().uuidString)"
        let answers = [
            configPath, "https://logstag.example.com", "rds1", "1", "2",  // file, url, name, PostgreSQL, AWS RDS
            "db.abc.eu-west-1.rds.amazonaws.com", "", "monitor", "pw", "pw", "", "",  // host, port, user, password x2, db, sslmode
            "eu-west-1", "", "db-abc", "AKIAEXAMPLE", secretKey,  // region, empty instance refused, instance, key id, secret
            "y", "n",
        ]
        let (code, terminal) = run(answers)
        #expect(code == 0, "\(terminal.errors)\n\(terminal.output)")
        #expect(terminal.output.contains("Type the instance id."))
        #expect(!terminal.output.contains(secretKey))
        let text = try String(contentsOfFile: configPath, encoding: .utf8)
        #expect(!text.contains(secretKey) && text.contains("cloud_secret_key = \"enc:v1:"))
        let target = try #require(try AgentConfigLoader.loadFile(path: configPath).targets.first)
        #expect(target.platform == "aws-rds")
        #expect(target.cloud?.region == "eu-west-1" && target.cloud?.instanceID == "db-abc" && target.cloud?.accessKey == "AKIAEXAMPLE")
        #expect(target.cloud?.secretKey.reveal() == secretKey)
    }

    @Test("Declining the final confirmation writes nothing: no file, no host key")
    func declineWritesNothing() throws {
        let (code, terminal) = run(
            [configPath, "http://127.0.0.1:8080", "db1", "", "", "", "", "u", "pw", "pw", "", "", "n"])
        #expect(code == 0, "\(terminal.errors)")
        #expect(terminal.output.contains("Nothing was written."))
        #expect(!FileManager.default.fileExists(atPath: configPath))
        #expect(!FileManager.default.fileExists(atPath: stateDirectory))
    }

    @Test("Input that ends in the middle exits 1 and writes nothing")
    func endOfInputWritesNothing() throws {
        let (code, terminal) = run([configPath, "http://127.0.0.1:8080", "db1"])
        #expect(code == 1)
        #expect(terminal.errors.contains("Input ended before setup finished; nothing was written."))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test("A wrong flag value is a user error naming the flag, before any question")
    func wrongFlag() {
        let (code, terminal) = run([], arguments: SetupArguments(agentConfig: configPath, databasePort: "70000"))
        #expect(code == 1)
        #expect(terminal.errors.contains("--db-port"))
    }
}

/// Flow B never talks to the Logstag server; a call would be a bug.
struct UnusedTransport: HTTPTransport {
    func send(_ request: HTTPRequest) throws(TransportError) -> HTTPResponse {
        Issue.record("--write-agent-config sent an HTTP request to \(request.url)")
        throw TransportError(message: "unused")
    }
}
