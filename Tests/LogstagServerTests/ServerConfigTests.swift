import Foundation
import Testing

@testable import LogstagServer

@Suite("Server configuration")
struct ServerConfigTests {
    @Test("Defaults from a checkout: 127.0.0.1:8080 and ./logstag-data")
    func defaults() throws {
        let config = try ServerConfig.load(fileText: nil, environment: [:], flags: [:])
        #expect(config.host == "127.0.0.1" && config.port == 8080)
        #expect(config.dataDir == "./logstag-data")
        #expect(config.baseURL == "http://127.0.0.1:8080")
        #expect(config.auditRetentionDays == 30)
        #expect(!config.tlsEnabled)
    }

    @Test("File, then environment, then flags")
    func layering() throws {
        let file = """
            # comment
            [server]
            listen = "0.0.0.0:9000"
            data_dir = "/var/lib/logstag"
            audit_retention_days = 90
            """
        let fromFile = try ServerConfig.load(fileText: file, environment: [:], flags: [:])
        #expect(fromFile.port == 9000 && fromFile.dataDir == "/var/lib/logstag" && fromFile.auditRetentionDays == 90)
        let fromEnv = try ServerConfig.load(fileText: file, environment: ["LOGSTAG_LISTEN": "127.0.0.1:9100", "HOME": "/root"], flags: [:])
        #expect(fromEnv.port == 9100)
        let fromFlags = try ServerConfig.load(fileText: file, environment: ["LOGSTAG_LISTEN": "127.0.0.1:9100"], flags: ["listen": "127.0.0.1:9200"])
        #expect(fromFlags.port == 9200)
    }

    @Test("Errors name the key and the line", arguments: [
        ("[server]\nlisten = \"x\"\n", "line 2: key \"listen\""),
        ("[server]\n\nlisen = \"127.0.0.1:1\"\n", "lisen"),
        ("[server]\naudit_retention_days = 0\n", "audit_retention_days"),
        ("[server]\nlog_level = \"loud\"\n", "log_level"),
        ("[agent]\napi_key = \"x\"\n", "line 1"),
        ("[server]\nlisten = [1, 2]\n", "line 2"),
        ("[server]\ntls_certificate = \"/etc/c.pem\"\n", "tls_key"),
    ])
    func errors(text: String, expected: String) {
        #expect {
            _ = try ServerConfig.load(fileText: text, fileName: "server.toml", environment: [:], flags: [:])
        } throws: { error in
            "\(error)".contains(expected)
        }
    }

    @Test("Unknown key error gives its line number")
    func unknownKeyLine() {
        do {
            _ = try ServerConfig.load(fileText: "[server]\nlisten = \"127.0.0.1:1\"\n\nlisen = 3\n", fileName: "server.toml", environment: [:], flags: [:])
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("line 4"))
            #expect(error.message.contains("lisen"))
        }
    }

    @Test("Environment values are validated and named")
    func environmentErrors() {
        do {
            _ = try ServerConfig.load(fileText: nil, environment: ["LOGSTAG_AUDIT_RETENTION_DAYS": "many"], flags: [:])
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("LOGSTAG_AUDIT_RETENTION_DAYS"))
        }
    }

    @Test("public_url wins for links; IPv6 listen parses")
    func urls() throws {
        let config = try ServerConfig.load(fileText: nil, environment: [:], flags: ["public_url": "https://mon.example.com/", "listen": "[::1]:8443"])
        #expect(config.baseURL == "https://mon.example.com")
        #expect(config.host == "::1" && config.port == 8443)
    }
}
