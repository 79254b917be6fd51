import Foundation
import Logging
import Testing

@testable import LogstagAgent

@Suite("Agent logging: destinations, format and secret masking")
struct AgentLogTests {
    struct LeakyError: Error, CustomStringConvertible {
        var detail: String
        var description: String { "connection failed: \(detail)" }
    }

    /// Collects lines in memory.
    final class MemoryWriter: LogLineWriter, @unchecked Sendable {
        private let lock = NSLock()
        private var stored: [String] = []
        func write(line: String) { lock.withLock { stored.append(line) } }
        var lines: [String] { lock.withLock { stored } }
    }

    @Test("the line format: UTC timestamp with milliseconds, level, [target phase], message, sorted key=value")
    func format() {
        let writer = MemoryWriter()
        let instant = Date(timeIntervalSince1970: 1_795_255_200.123)  // 2026-11-21T10:00:00.123Z
        let logger = Logger(label: "test") { _ in
            AgentLogHandler(level: .info, writer: writer, masker: SecretMasker(), metadataProvider: nil, clock: { instant })
        }
        logger.info("Collected tier.", metadata: ["phase": "collection", "target": "x", "signals": "12", "tier": "high"])
        logger.warning("Server said \"no\".", metadata: ["reason": "busy now", "empty": ""])
        logger.debug("dropped below info")
        logger.error("Line one\nline two")
        #expect(
            writer.lines == [
                "2026-11-21T10:00:00.123Z INFO [target=x phase=collection] Collected tier. signals=12 tier=high",
                "2026-11-21T10:00:00.123Z WARN Server said \"no\". empty=\"\" reason=\"busy now\"",
                "2026-11-21T10:00:00.123Z ERROR Line one\\nline two",
            ])
    }

    @Test("a registered secret never reaches the file, at any level, in messages, metadata or errors")
    func secretsNeverReachTheFile() throws {
        let directory = ConfigTestSupport.makeDirectory()
        defer { ConfigTestSupport.remove(directory) }
        let masker = SecretMasker()
        let secrets = ["Tr0ub4dor&3", "lsa_0123456789abcdefghijklmnopqrstuvwxyzAB", "quo\"te\\back\nslash", "päss wörd"]
        for secret in secrets { masker.register(SecretValue(secret)) }
        masker.register("abc")  // too short to mask safely; ignored
        let writer = try RotatingFileWriter(directory: directory)
        var logger = Logger(label: "agent") { _ in AgentLogHandler(level: .trace, writer: writer, masker: masker, metadataProvider: nil) }
        logger[metadataKey: "target"] = "db"

        for level in Logger.Level.allCases {
            for secret in secrets {
                logger.log(level: level, "Login with \(secret) failed")
                logger.log(level: level, "Metadata.", metadata: ["dsn": "host=h password=\(secret) user=u", "note": .string(secret)])
                logger.log(level: level, "Nested.", metadata: ["list": [.string(secret)], "map": ["inner": .string("x\(secret)y")]])
                logger.log(level: level, "Error metadata.", metadata: ["error": "\(LeakyError(detail: secret))"])
                logger.log(level: level, "Error event.", error: LeakyError(detail: secret))
                logger.log(level: level, "Sensitive key.", metadata: ["password": "unregistered-value-1234", "api_key": "another-one-5678"])
            }
        }
        writer.close()
        let content = try String(contentsOfFile: writer.path, encoding: .utf8)
        let lines = content.split(separator: "\n")
        #expect(lines.count == Logger.Level.allCases.count * secrets.count * 6)
        for secret in secrets {
            #expect(!content.contains(secret))
            #expect(!content.contains(secret.replacingOccurrences(of: "\n", with: "\\n")), "escaped form")
        }
        #expect(!content.contains("unregistered-value-1234") && !content.contains("another-one-5678"))
        #expect(content.contains("********"))
        for level in ["TRACE", "DEBUG", "INFO", "NOTICE", "WARN", "ERROR", "CRITICAL"] {
            #expect(lines.contains { $0.contains(" \(level) [target=db] Login with ******** failed") }, "\(level)")
        }
        #expect(content.contains("error=\"connection failed: ********\""))
    }

    @Test("SecretMasker: exact values, longest first, ignores short values, then redaction patterns")
    func masker() {
        let masker = SecretMasker()
        masker.register("secret")
        masker.register("secret-and-more")
        masker.register("abc")
        #expect(masker.mask("x secret-and-more y secret z") == "x ******** y ******** z")
        #expect(masker.mask("abc stays") == "abc stays")
        #expect(masker.mask("postgres://user:pw123456@host/db") == "postgres://user:********@host/db")
        #expect(masker.mask("Authorization: Bearer abcdefghijkl") == "Authorization: ********")
        #expect(masker.mask("nothing to hide") == "nothing to hide")
        let config = AgentConfig(
            agent: AgentSettings(apiBaseURL: "https://x.example", apiKey: SecretValue("lsa_configKey")),
            targets: [TargetConfig(name: "t", engine: .redis, host: "h", port: 1, username: "", password: SecretValue("targetPass"), databaseName: "0")])
        masker.register(config)
        #expect(masker.mask("lsa_configKey targetPass") == "******** ********")
    }

    @Test("file destination falls back to the second directory when the first cannot be used, and says why")
    func fallback() throws {
        let directory = ConfigTestSupport.makeDirectory()
        defer { ConfigTestSupport.remove(directory) }
        let primary: String
        if ConfigTestSupport.runningAsRoot {
            // Root writes through any mode bits, so block mkdir with a regular file in the path.
            ConfigTestSupport.writeFile(directory + "/blocker", "")
            primary = directory + "/blocker/logs"
        } else {
            try FileManager.default.createDirectory(atPath: directory + "/readonly", withIntermediateDirectories: false)
            chmod(directory + "/readonly", 0o500)
            primary = directory + "/readonly"
        }
        let fallback = directory + "/fallback"
        let (writer, output) = AgentLog.openWriter(destination: .file(directory: primary), fallbackDirectory: fallback)
        #expect(output.path == fallback + "/agent.log")
        let reason = try #require(output.fallbackReason)
        #expect(reason.contains(primary))
        writer.write(line: "hello")
        #expect(try String(contentsOfFile: fallback + "/agent.log", encoding: .utf8) == "hello\n")
        #expect(!FileManager.default.fileExists(atPath: primary + "/agent.log"))
    }

    @Test("when no directory can be used, logs go to standard output with the reasons")
    func bothDirectoriesFail() throws {
        let directory = ConfigTestSupport.makeDirectory()
        defer { ConfigTestSupport.remove(directory) }
        ConfigTestSupport.writeFile(directory + "/blocker", "")
        let (writer, output) = AgentLog.openWriter(
            destination: .file(directory: directory + "/blocker/a"), fallbackDirectory: directory + "/blocker/b")
        #expect(output.path == nil && output.description == "standard output")
        #expect(writer is StandardOutputWriter)
        #expect(output.fallbackReason?.contains(directory + "/blocker/a") == true && output.fallbackReason?.contains(directory + "/blocker/b") == true)
    }

    @Test("a world-writable directory is not used for logs")
    func refusesWorldWritableDirectory() throws {
        let directory = ConfigTestSupport.makeDirectory()
        defer { ConfigTestSupport.remove(directory) }
        try FileManager.default.createDirectory(atPath: directory + "/open", withIntermediateDirectories: false)
        chmod(directory + "/open", 0o777)
        let error = try #require(throws: LogFileError.self) { try RotatingFileWriter(directory: directory + "/open") }
        #expect(error.message.contains("writable by other users"))
    }

    @Test("the preferred directory is used when it works; stdout destination writes to standard output")
    func preferredAndStdout() throws {
        let directory = ConfigTestSupport.makeDirectory()
        defer { ConfigTestSupport.remove(directory) }
        let (_, output) = AgentLog.openWriter(destination: .file(directory: directory + "/logs"), fallbackDirectory: directory + "/fallback")
        #expect(output == LogOutput(path: directory + "/logs/agent.log"))
        #expect(!FileManager.default.fileExists(atPath: directory + "/fallback"))
        let (stdoutWriter, stdoutOutput) = AgentLog.openWriter(destination: .stdout)
        #expect(stdoutWriter is StandardOutputWriter && stdoutOutput.path == nil && stdoutOutput.fallbackReason == nil)
    }
}
