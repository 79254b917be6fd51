import Foundation
import LogstagCore
import Testing

@testable import LogstagAgent

@Suite("Agent configuration: loading and validation")
struct AgentConfigLoaderTests {
    static let validText = """
        # a comment
        [agent]
        api_base_url = "https://logstag.example.com/"
        api_key = "lsa_plaintextkeyforlocaltesting"
        log_level = "debug"
        high_frequency_interval = 15
        medium_frequency_interval = 0
        startup_warmup_delay = 30
        compress_request_payload = false
        export_to_file = false
        export_path = "/var/tmp/export"
        mock_mode = false
        state_dir = "/var/lib/logstag-test"
        log_dir = "/var/log/logstag-test"
        spool_max_bytes = 2097152

        [targets.pg]
        platform = "self-hosted"
        db_engine = "postgresql"
        db_host = "127.0.0.1"
        db_port = 55432
        db_username = "monitor"
        db_password = "pg-secret"
        db_name = "postgres"
        db_sslmode = "require"
        asset_id = "a1b2c3"

        [targets."cache one"]
        platform = "self-hosted"
        db_engine = "valkey"
        db_host = "localhost"
        db_port = 56380
        db_username = ""
        db_password = ""
        db_name = "3"

        """

    /// A minimal valid file with one PostgreSQL target whose table starts at line 4 and whose
    /// keys are on lines 5...11, followed by `extra` lines (from line 12) inside the target.
    static func target(engine: String = "postgresql", dbName: String = "\"postgres\"", extra: String = "") -> String {
        """
        [agent]
        api_base_url = "https://logstag.example.com"

        [targets.db]
        platform = "self-hosted"
        db_engine = "\(engine)"
        db_host = "db.internal"
        db_port = 5432
        db_username = "monitor"
        db_password = "pw"
        db_name = \(dbName)
        \(extra)
        """
    }

    static func agent(_ lines: String) -> String {
        "[agent]\napi_base_url = \"https://logstag.example.com\"\n" + lines + "\n"
    }

    /// The single problem of `text`, or a test failure.
    static func onlyProblem(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> ConfigProblem {
        let problems = AgentConfigLoader.check(text: text)
        #expect(problems.count == 1, "expected exactly one problem, got: \(problems)", sourceLocation: sourceLocation)
        return try #require(problems.first, sourceLocation: sourceLocation)
    }

    // MARK: - A good file

    @Test("a complete file loads with every value and the defaults for what is left out")
    func loadsCompleteFile() throws {
        #expect(AgentConfigLoader.check(text: Self.validText) == [])
        let config = try AgentConfigLoader.load(text: Self.validText, secrets: nil)
        let agent = config.agent
        #expect(agent.apiBaseURL == "https://logstag.example.com")
        #expect(agent.apiKey?.reveal() == "lsa_plaintextkeyforlocaltesting")
        #expect(agent.logLevel == .debug)
        #expect(agent.interval(for: .high) == 15)
        #expect(agent.interval(for: .medium) == 0)
        #expect(agent.interval(for: .low) == 600)
        #expect(agent.interval(for: .schema) == 14_400)
        #expect(agent.startupWarmupDelay == 30)
        #expect(agent.compressRequestPayload == false)
        #expect(agent.exportPath == "/var/tmp/export")
        #expect(agent.stateDirectory == "/var/lib/logstag-test")
        #expect(agent.logDirectory == "/var/log/logstag-test")
        #expect(agent.serverCAFile == nil)
        #expect(agent.spoolMaxBytes == 2_097_152)

        #expect(config.targets.map(\.name) == ["pg", "cache one"])
        let pg = config.targets[0]
        #expect(pg.engine == .postgresql && pg.platform == "self-hosted")
        #expect(pg.host == "127.0.0.1" && pg.port == 55432 && pg.username == "monitor" && pg.databaseName == "postgres")
        #expect(pg.password.reveal() == "pg-secret")
        #expect(pg.sslMode == "require" && pg.sslRootCert == nil && pg.assetID == "a1b2c3" && pg.cloud == nil)
        #expect(pg.line == 17)
        let cache = config.targets[1]
        #expect(cache.engine == .valkey && cache.databaseName == "3" && cache.password.isEmpty && cache.username == "")
        #expect(Set(config.secrets.map { $0.reveal() }) == ["lsa_plaintextkeyforlocaltesting", "pg-secret", ""])
    }

    @Test("defaults when [agent] only has api_base_url")
    func defaults() throws {
        let config = try AgentConfigLoader.load(text: Self.agent(""), secrets: nil)
        let agent = config.agent
        #expect(agent.apiKey == nil)
        #expect(agent.logLevel == .info)
        #expect(Tier.allCases.map(agent.interval(for:)) == [10, 60, 600, 14_400])
        #expect(agent.startupWarmupDelay == 0 && agent.compressRequestPayload && !agent.exportToFile && !agent.mockMode)
        #expect(agent.exportPath == FileManager.default.currentDirectoryPath)
        #expect(agent.stateDirectory == "/var/lib/logstag")
        #expect(agent.logDirectory == nil && agent.serverCAFile == nil)
        #expect(agent.spoolMaxBytes == 64 * 1024 * 1024)
        #expect(config.targets.isEmpty)
    }

    @Test("an empty file, or one with only comments, is a valid not-yet-configured agent")
    func emptyFile() throws {
        for text in ["", "# nothing yet\n\n# still nothing\n"] {
            #expect(AgentConfigLoader.check(text: text) == [])
            #expect(AgentConfigLoader.warnings(text: text) == [])
            let config = try AgentConfigLoader.load(text: text, secrets: nil)
            #expect(config.agent.apiBaseURL == "" && config.agent.apiKey == nil && config.targets.isEmpty)
        }
    }

    @Test("every supported engine and platform combination loads, with cloud credentials for managed targets")
    func managedTargets() throws {
        let text = Self.agent("") + """
            [targets.aws]
            platform = "aws-rds"
            db_engine = "postgresql"
            db_host = "orders.example.rds.amazonaws.com"
            db_port = 5432
            db_username = "monitor"
            db_password = "pw"
            db_name = "orders"
            cloud_region = "eu-west-1"
            cloud_instance_id = "orders"
            cloud_access_key = "AKIAEXAMPLE"
            cloud_secret_key = "cloud-secret"

            [targets.huawei]
            platform = "huawei-rds"
            db_engine = "redis"
            db_host = "10.0.0.5"
            db_port = 6379
            db_username = ""
            db_password = "pw"
            db_name = "15"
            cloud_region = "cn-north-4"
            cloud_instance_id = "i-1"
            cloud_access_key = "AK"
            cloud_secret_key = "hw-secret"
            cloud_project_id = "p-1"

            """
        #expect(AgentConfigLoader.check(text: text) == [])
        let config = try AgentConfigLoader.load(text: text, secrets: nil)
        #expect(config.targets[0].cloud == CloudCredentials(region: "eu-west-1", instanceID: "orders", accessKey: "AKIAEXAMPLE", secretKey: SecretValue("cloud-secret")))
        #expect(config.targets[1].cloud?.projectID == "p-1")
        #expect(config.targets[1].cloud?.secretKey.reveal() == "hw-secret")
        #expect(config.secrets.map { $0.reveal() }.contains("hw-secret"))
    }

    // MARK: - Structure

    @Test("unknown keys in [agent] and in a target are problems naming key and line, with a hint")
    func unknownKeys() throws {
        let problem = try Self.onlyProblem(Self.agent("log_levl = \"info\""))
        #expect(problem.line == 3 && problem.key == "log_levl")
        #expect(problem.message.contains("unknown key in [agent]") && problem.message.contains("did you mean \"log_level\""))
        #expect(problem.description.hasPrefix("line 3: key \"log_levl\": unknown key"))

        let inTarget = try Self.onlyProblem(Self.target(extra: "db_hots = \"x\""))
        #expect(inTarget.line == 12 && inTarget.key == "db_hots" && inTarget.message.contains("[targets.db]"))
        #expect(inTarget.message.contains("did you mean \"db_host\""))
    }

    @Test("unknown tables and keys outside any table are problems")
    func unknownTables() throws {
        let misspelled = try Self.onlyProblem(Self.agent("") + "[agnet]\nx = 1\n")
        #expect(misspelled.line == 4 && misspelled.message.contains("unknown table [agnet]") && misspelled.message.contains("did you mean [agent]"))

        let nested = try Self.onlyProblem(Self.agent("") + "[targets.a.b]\n")
        #expect(nested.line == 4 && nested.message.contains("unknown table [targets.a.b]"))

        let rootKey = try Self.onlyProblem("api_base_url = \"https://x.example\"\n" + Self.agent(""))
        #expect(rootKey.line == 1 && rootKey.key == "api_base_url" && rootKey.message.contains("outside any table"))

        let targetsKey = try Self.onlyProblem(Self.agent("") + "[targets]\ndb_host = \"x\"\n")
        #expect(targetsKey.line == 5 && targetsKey.key == "db_host")
    }

    @Test("a file with targets but no [agent] table needs api_base_url")
    func missingAgentTable() throws {
        let text = Self.target().replacingOccurrences(of: "[agent]\napi_base_url = \"https://logstag.example.com\"\n", with: "")
        let problem = try Self.onlyProblem(text)
        #expect(problem.key == "api_base_url" && problem.message.contains("[agent] table is missing"))
    }

    @Test("missing required keys are reported at the table header, all of them")
    func missingRequiredKeys() throws {
        let agentProblem = try Self.onlyProblem("\n[agent]\nlog_level = \"info\"\n")
        #expect(agentProblem.line == 2 && agentProblem.key == "api_base_url" && agentProblem.message.contains("is missing"))

        let problems = AgentConfigLoader.check(text: Self.agent("") + "\n[targets.empty]\n")
        #expect(Set(problems.compactMap(\.key)) == ["platform", "db_engine", "db_host", "db_port", "db_username", "db_password", "db_name"])
        #expect(problems.allSatisfy { $0.line == 5 && $0.message.contains("[targets.empty] needs it") })
    }

    @Test("a repeated target name is a problem naming both lines")
    func duplicateTargets() throws {
        let text = Self.target() + "\n[targets.db]\nplatform = \"self-hosted\"\n"
        let problem = try Self.onlyProblem(text)
        #expect(problem.line == 13)
        #expect(problem.message.contains("[targets.db]") && problem.message.contains("first on line 4"))
        #expect(problem.message.contains("target names must be unique"))
    }

    @Test("a TOML syntax error is one problem with its line")
    func syntaxError() throws {
        let problem = try Self.onlyProblem("[agent]\napi_base_url = https://x\n")
        #expect(problem.line == 2)
    }

    // MARK: - Types and values

    @Test("wrong types are problems that say what was expected")
    func wrongTypes() throws {
        let problems = AgentConfigLoader.check(
            text: Self.agent("compress_request_payload = \"yes\"\nhigh_frequency_interval = \"10\"\nlog_level = 3\nstate_dir = true"))
        #expect(problems.map(\.key) == ["compress_request_payload", "high_frequency_interval", "log_level", "state_dir"])
        #expect(problems.map(\.line) == [3, 4, 5, 6])
        #expect(problems[0].message == "expected true or false, found a string")
        #expect(problems[1].message == "expected an integer, found a string")
        #expect(problems[2].message == "expected a string, found an integer")
    }

    @Test("db_engine: only postgresql, redis and valkey are collected by this build")
    func engines() throws {
        for engine in ["mssql", "mongodb", "oracle"] {
            let problem = try Self.onlyProblem(Self.target(engine: engine))
            #expect(problem.line == 6 && problem.key == "db_engine")
            #expect(problem.message.contains("not supported by this agent build yet"))
        }
        let typo = try Self.onlyProblem(Self.target(engine: "postgres"))
        #expect(typo.message.contains("expected one of postgresql, mssql") && typo.message.contains("did you mean \"postgresql\""))
        let upper = try Self.onlyProblem(Self.target(engine: "PostgreSQL"))
        #expect(upper.key == "db_engine")
    }

    @Test("platform must be self-hosted, aws-rds or huawei-rds; managed platforms need their cloud keys")
    func platforms() throws {
        let wrong = try Self.onlyProblem(Self.target().replacingOccurrences(of: "self-hosted", with: "azure"))
        #expect(wrong.line == 5 && wrong.key == "platform" && wrong.message.contains("self-hosted, aws-rds, huawei-rds"))

        let aws = AgentConfigLoader.check(text: Self.target().replacingOccurrences(of: "self-hosted", with: "aws-rds"))
        #expect(Set(aws.compactMap(\.key)) == ["cloud_region", "cloud_instance_id", "cloud_access_key", "cloud_secret_key"])
        let huawei = AgentConfigLoader.check(text: Self.target().replacingOccurrences(of: "self-hosted", with: "huawei-rds"))
        #expect(Set(huawei.compactMap(\.key)) == ["cloud_region", "cloud_instance_id", "cloud_access_key", "cloud_secret_key", "cloud_project_id"])
        #expect(huawei.allSatisfy { $0.line == 4 })
    }

    @Test("db_port must be an integer from 1 to 65535; a quoted port gets a hint")
    func ports() throws {
        for bad in ["0", "65536", "-1"] {
            let problem = try Self.onlyProblem(Self.target().replacingOccurrences(of: "db_port = 5432", with: "db_port = \(bad)"))
            #expect(problem.line == 8 && problem.key == "db_port" && problem.message.contains("1 to 65535"))
        }
        let quoted = try Self.onlyProblem(Self.target().replacingOccurrences(of: "db_port = 5432", with: "db_port = \"5432\""))
        #expect(quoted.message.contains("expected an integer, found a string") && quoted.message.contains("without quotes"))
        #expect(AgentConfigLoader.check(text: Self.target().replacingOccurrences(of: "db_port = 5432", with: "db_port = 65535")) == [])
    }

    @Test("Redis and Valkey db_name is \"0\" to \"15\" as a string; an integer gets a hint")
    func redisDatabaseNumbers() throws {
        for engine in ["redis", "valkey"] {
            #expect(AgentConfigLoader.check(text: Self.target(engine: engine, dbName: "\"0\"")) == [])
            #expect(AgentConfigLoader.check(text: Self.target(engine: engine, dbName: "\"15\"")) == [])
            let integer = try Self.onlyProblem(Self.target(engine: engine, dbName: "3"))
            #expect(integer.line == 11 && integer.key == "db_name")
            #expect(integer.message.contains("expected a string, found an integer") && integer.message.contains("in quotes"))
            for bad in ["\"16\"", "\"-1\"", "\"03\"", "\"db0\"", "\"\""] {
                let problem = try Self.onlyProblem(Self.target(engine: engine, dbName: bad))
                #expect(problem.key == "db_name" && problem.message.contains("\"0\" to \"15\""))
            }
        }
        let emptyPG = try Self.onlyProblem(Self.target(dbName: "\"\""))
        #expect(emptyPG.key == "db_name" && emptyPG.message.contains("must not be empty"))
    }

    @Test("intervals are integers >= 0; a high tier of 1 to 4 seconds is too aggressive")
    func intervals() throws {
        let negative = try Self.onlyProblem(Self.agent("low_frequency_interval = -5"))
        #expect(negative.key == "low_frequency_interval" && negative.line == 3 && negative.message.contains("0 or more"))
        for seconds in 1...4 {
            let problem = try Self.onlyProblem(Self.agent("high_frequency_interval = \(seconds)"))
            #expect(problem.key == "high_frequency_interval" && problem.message.contains("too aggressive"))
        }
        let config = try AgentConfigLoader.load(text: Self.agent("high_frequency_interval = 0\nmedium_frequency_interval = 1\nschema_frequency_interval = 0"), secrets: nil)
        #expect(config.agent.interval(for: .high) == 0 && config.agent.interval(for: .medium) == 1 && config.agent.interval(for: .schema) == 0)
        let float = try Self.onlyProblem(Self.agent("medium_frequency_interval = 60.0"))
        #expect(float.message.contains("expected an integer, found a float"))
    }

    @Test("log_level accepts error, warn, info, debug and trace only")
    func logLevels() throws {
        for level in AgentLogLevel.allCases {
            let config = try AgentConfigLoader.load(text: Self.agent("log_level = \"\(level.rawValue)\""), secrets: nil)
            #expect(config.agent.logLevel == level)
        }
        let wrong = try Self.onlyProblem(Self.agent("log_level = \"warning\""))
        #expect(wrong.key == "log_level" && wrong.message.contains("error, warn, info, debug, trace") && wrong.message.contains("did you mean \"warn\""))
        #expect(AgentLogLevel.warn.loggerLevel == .warning && AgentLogLevel.trace.loggerLevel == .trace)
    }

    @Test("api_base_url must be https://, or http:// to a loopback address only")
    func serverURLs() throws {
        for good in ["https://logstag.example.com", "https://10.0.0.5:8443/", "http://127.0.0.1:8080", "http://localhost", "http://[::1]:8080"] {
            #expect(AgentConfigLoader.check(text: "[agent]\napi_base_url = \"\(good)\"\n") == [], "\(good)")
        }
        let plain = try Self.onlyProblem("[agent]\napi_base_url = \"http://logstag.example.com\"\n")
        #expect(plain.line == 2 && plain.key == "api_base_url" && plain.message.contains("must use https://"))
        let other = try Self.onlyProblem("[agent]\napi_base_url = \"ftp://logstag.example.com\"\n")
        #expect(other.message.contains("https://"))
        let credentials = try Self.onlyProblem("[agent]\napi_base_url = \"https://admin:hunter2secret@logstag.example.com\"\n")
        #expect(credentials.message.contains("user name or password"))
        #expect(!credentials.description.contains("hunter2secret"))
        let spaces = try Self.onlyProblem("[agent]\napi_base_url = \"https://logstag example.com\"\n")
        #expect(spaces.message.contains("not a valid URL"))
    }

    @Test("db_sslmode values for PostgreSQL; TLS options are a problem for Redis and Valkey")
    func tlsOptions() throws {
        for mode in ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"] {
            #expect(AgentConfigLoader.check(text: Self.target(extra: "db_sslmode = \"\(mode)\"")) == [])
        }
        let wrong = try Self.onlyProblem(Self.target(extra: "db_sslmode = \"sometimes\""))
        #expect(wrong.line == 12 && wrong.key == "db_sslmode")
        let redis = try Self.onlyProblem(Self.target(engine: "redis", dbName: "\"0\"", extra: "db_sslmode = \"require\""))
        #expect(redis.key == "db_sslmode" && redis.message.contains("not supported by this build"))
        let valkeyCert = try Self.onlyProblem(Self.target(engine: "valkey", dbName: "\"0\"", extra: "db_sslrootcert = \"/etc/ca.pem\""))
        #expect(valkeyCert.key == "db_sslrootcert" && valkeyCert.message.contains("not supported by this build"))
    }

    @Test("spool_max_bytes is at least 1 MiB")
    func spoolSize() throws {
        let small = try Self.onlyProblem(Self.agent("spool_max_bytes = 1000"))
        #expect(small.key == "spool_max_bytes" && small.message.contains("1048576"))
        #expect(try AgentConfigLoader.load(text: Self.agent("spool_max_bytes = 1048576"), secrets: nil).agent.spoolMaxBytes == 1_048_576)
    }

    @Test("check() reports every problem at once, sorted by line; load() throws them all")
    func allProblemsAtOnce() throws {
        let text = """
            [agent]
            api_base_url = "http://example.com"
            log_level = "loud"
            bogus = 1

            [targets.one]
            platform = "self-hosted"
            db_engine = "mongodb"
            db_host = "h"
            db_port = 0
            db_username = "u"
            db_password = "p"
            db_name = "x"
            """
        let problems = AgentConfigLoader.check(text: text)
        #expect(problems.map(\.line) == [2, 3, 4, 8, 10])
        #expect(problems.map(\.key) == ["api_base_url", "log_level", "bogus", "db_engine", "db_port"])
        #expect(throws: ConfigProblems(problems)) { try AgentConfigLoader.load(text: text, secrets: nil) }
        #expect(ConfigProblems(problems).description.split(separator: "\n").count == 5)
    }

    @Test("no problem or warning message quotes a secret value")
    func messagesNeverQuoteSecrets() throws {
        let secrets = ["Sup3rSecretPassw0rd", "lsa_neverShowThisAgentKey", "CloudSecretKeyValue"]
        let text = """
            [agent]
            api_base_url = "https://x.example"
            api_key = "\(secrets[1])"
            log_level = "\(secrets[0])"

            [targets.t]
            platform = "aws-rds"
            db_engine = "\(secrets[0])"
            db_host = "\(secrets[0]) x"
            db_port = "\(secrets[0])"
            db_username = 5
            db_password = "\(secrets[0])"
            db_name = 7
            cloud_secret_key = "\(secrets[2])"
            asset_id = "enc:\(secrets[2])"
            """
        let everything = (AgentConfigLoader.check(text: text) + AgentConfigLoader.warnings(text: text)).map(\.description)
        #expect(everything.count >= 6)
        for secret in secrets {
            #expect(!everything.contains { $0.contains(secret) }, "\(secret) leaked")
        }
    }

    // MARK: - Encrypted values

    @Test("enc: values are accepted only for api_key, db_password and cloud_secret_key")
    func encryptedValuesOnlyForSecrets() throws {
        let problem = try Self.onlyProblem(Self.target(extra: "asset_id = \"enc:v1:AAAA\""))
        #expect(problem.key == "asset_id" && problem.line == 12 && problem.message.contains("only for api_key, db_password and cloud_secret_key"))
        let inAgent = try Self.onlyProblem(Self.agent("state_dir = \"enc:v1:abc\""))
        #expect(inAgent.key == "state_dir")
    }

    @Test("a malformed enc: value is a problem in check(), without decrypting")
    func malformedEncryptedValue() throws {
        let problem = try Self.onlyProblem(Self.target().replacingOccurrences(of: "db_password = \"pw\"", with: "db_password = \"enc:v1:not base64!\""))
        #expect(problem.key == "db_password" && problem.line == 10 && problem.message.contains("not a valid encrypted value"))
        let shortValue = try Self.onlyProblem(Self.agent("api_key = \"enc:v1:AAAA\""))
        #expect(shortValue.key == "api_key")
    }

    @Test("load() decrypts enc: values with the box")
    func decryptsWithBox() throws {
        let directory = ConfigTestSupport.makeDirectory()
        defer { ConfigTestSupport.remove(directory) }
        let box = try SecretBox(stateDirectory: directory, createHostSecret: true, machineID: "machine-a")
        try SecretBoxTests.writeHostSecret(box, seed: 3)  // a fixed key keeps the wrong-machine check deterministic
        let password = "pa\"ss\\word with spaces"
        let text = Self.agent("api_key = \"\(try box.encrypt("lsa_encryptedAgentKey"))\"")
            + "[targets.db]\nplatform = \"aws-rds\"\ndb_engine = \"postgresql\"\ndb_host = \"h\"\ndb_port = 5432\ndb_username = \"u\"\n"
            + "db_password = \"\(try box.encrypt(password))\"\ndb_name = \"d\"\ncloud_region = \"r\"\ncloud_instance_id = \"i\"\n"
            + "cloud_access_key = \"a\"\ncloud_secret_key = \"\(try box.encrypt("cloud-key"))\"\n"
        #expect(AgentConfigLoader.check(text: text) == [])
        #expect(AgentConfigLoader.warnings(text: text) == [], "encrypted values need no plain-text warning")
        let config = try AgentConfigLoader.load(text: text, secrets: box)
        #expect(config.agent.apiKey?.reveal() == "lsa_encryptedAgentKey")
        #expect(config.targets[0].password.reveal() == password)
        #expect(config.targets[0].cloud?.secretKey.reveal() == "cloud-key")

        // The same text on another machine: every encrypted key is a problem with its line.
        let elsewhere = try SecretBox(stateDirectory: directory, createHostSecret: false, machineID: "machine-b")
        let error = try #require(throws: ConfigProblems.self) { try AgentConfigLoader.load(text: text, secrets: elsewhere) }
        #expect(error.problems.map(\.key) == ["api_key", "db_password", "cloud_secret_key"])
        #expect(error.problems.map(\.line) == [3, 10, 15])
        #expect(error.problems.allSatisfy { $0.message.contains("bound to a different machine") })

        // No box at all.
        let noBox = try #require(throws: ConfigProblems.self) { try AgentConfigLoader.load(text: text, secrets: nil) }
        #expect(noBox.problems.count == 3)
    }

    @Test("load() checks that server_ca_file and db_sslrootcert exist; check() does not touch the disk")
    func referencedFiles() throws {
        let directory = ConfigTestSupport.makeDirectory()
        defer { ConfigTestSupport.remove(directory) }
        let missing = directory + "/missing-ca.pem"
        let text = Self.target(extra: "db_sslrootcert = \"\(missing)\"").replacingOccurrences(
            of: "api_base_url = \"https://logstag.example.com\"", with: "api_base_url = \"https://logstag.example.com\"\nserver_ca_file = \"\(missing)\"")
        #expect(AgentConfigLoader.check(text: text) == [])
        let error = try #require(throws: ConfigProblems.self) { try AgentConfigLoader.load(text: text, secrets: nil) }
        #expect(error.problems.map(\.key) == ["server_ca_file", "db_sslrootcert"])
        #expect(error.problems.map(\.line) == [3, 13])
        #expect(error.problems.allSatisfy { $0.message.contains("does not exist") && $0.message.contains(missing) })

        ConfigTestSupport.writeFile(missing, "-----BEGIN CERTIFICATE-----\n")
        let config = try AgentConfigLoader.load(text: text, secrets: nil)
        #expect(config.agent.serverCAFile == missing && config.targets[0].sslRootCert == missing)
    }

    // MARK: - Warnings

    @Test("warnings: plain-text secrets, ignored update keys, debug switches; never mixed into check()")
    func warnings() throws {
        let text = Self.agent("api_key = \"lsa_plain\"\nupdate_channel = \"main\"\nauto_install_updates = true\nexport_to_file = true\nmock_mode = true\nlog_level = \"trace\"")
            + "[targets.db]\nplatform = \"self-hosted\"\ndb_engine = \"redis\"\ndb_host = \"h\"\ndb_port = 6379\ndb_username = \"\"\n"
            + "db_password = \"\"\ndb_name = \"0\"\ncloud_region = \"x\"\n"
        #expect(AgentConfigLoader.check(text: text) == [])
        let warnings = AgentConfigLoader.warnings(text: text)
        #expect(warnings.map(\.key) == ["api_key", "update_channel", "auto_install_updates", "export_to_file", "mock_mode", "log_level", "cloud_region"])
        #expect(warnings[0].message.contains("plain text") && warnings[0].message.contains("--encrypt"))
        #expect(warnings[1].message.contains("ignored") && warnings[1].message.contains("install command"))
        #expect(warnings.map(\.line) == warnings.map(\.line).sorted())
        // An empty password (Redis without AUTH) is not a plain-text secret.
        #expect(!warnings.contains { $0.key == "db_password" })
    }

    // MARK: - From a file

    @Test("loadFile refuses a configuration file other users can read, with the chmod command")
    func loadFileRefusesOpenPermissions() throws {
        let directory = ConfigTestSupport.makeDirectory()
        defer { ConfigTestSupport.remove(directory) }
        let path = directory + "/agent.toml"
        ConfigTestSupport.writeFile(path, Self.agent("state_dir = \"\(directory)/state\""), mode: 0o644)
        let error = try #require(throws: ConfigProblems.self) { try AgentConfigLoader.loadFile(path: path, machineID: "m") }
        #expect(error.description == "The configuration file \(path) is readable by other users (mode 0644); run: chmod 600 \(path)")
        chmod(path, 0o600)
        #expect(try AgentConfigLoader.loadFile(path: path, machineID: "m").agent.stateDirectory == directory + "/state")
    }

    @Test("loadFile decrypts with the host secret in the file's state_dir")
    func loadFileDecrypts() throws {
        let directory = ConfigTestSupport.makeDirectory()
        defer { ConfigTestSupport.remove(directory) }
        let state = directory + "/state"
        let box = try SecretBox(stateDirectory: state, createHostSecret: true, machineID: "this-machine")
        let path = directory + "/agent.toml"
        ConfigTestSupport.writeFile(path, Self.agent("state_dir = \"\(state)\"\napi_key = \"\(try box.encrypt("lsa_fromFile"))\""))
        #expect(AgentConfigLoader.stateDirectory(text: try String(contentsOfFile: path, encoding: .utf8)) == state)
        #expect(try AgentConfigLoader.loadFile(path: path, machineID: "this-machine").agent.apiKey?.reveal() == "lsa_fromFile")

        try FileManager.default.removeItem(atPath: state + "/host.key")
        let error = try #require(throws: ConfigProblems.self) { try AgentConfigLoader.loadFile(path: path, machineID: "this-machine") }
        #expect(error.problems.count == 1 && error.problems[0].key == "api_key" && error.problems[0].line == 4)
        #expect(error.problems[0].message.contains("re-encrypt it on this host with `logstag --mode agent --encrypt`"))
    }
}
