import Foundation
import Testing

@testable import LogstagAgent

@Suite("Private file checks")
struct FilePermissionsTests {
    @Test("0600 and 0400 pass; any group or other bit is refused with the mode and the chmod command")
    func modes() throws {
        let directory = ConfigTestSupport.makeDirectory()
        defer { ConfigTestSupport.remove(directory) }
        let path = directory + "/agent.toml"
        ConfigTestSupport.writeFile(path, "[agent]\n")
        for mode: mode_t in [0o600, 0o400, 0o700] {
            chmod(path, mode)
            try FilePermissions.requirePrivate(path: path, what: "The configuration file")
        }
        chmod(path, 0o644)
        let error = try #require(throws: SecretError.self) { try FilePermissions.requirePrivate(path: path, what: "The configuration file") }
        #expect(error.kind == .permissions)
        #expect(error.message == "The configuration file \(path) is readable by other users (mode 0644); run: chmod 600 \(path)")
        for mode: mode_t in [0o640, 0o604, 0o620, 0o602, 0o610, 0o601] {
            chmod(path, mode)
            let refused = try #require(throws: SecretError.self) { try FilePermissions.requirePrivate(path: path, what: "The file") }
            #expect(refused.message.contains("(mode 0\(String(mode, radix: 8)))") && refused.message.hasSuffix("run: chmod 600 \(path)"))
        }
        chmod(path, 0o620)
        let writable = try #require(throws: SecretError.self) { try FilePermissions.requirePrivate(path: path, what: "The file") }
        #expect(writable.message.contains("is writable by other users"))
    }

    @Test("a missing file is an io error that names it")
    func missingFile() throws {
        let error = try #require(throws: SecretError.self) {
            try FilePermissions.requirePrivate(path: "/nonexistent/logstag/agent.toml", what: "The configuration file")
        }
        #expect(error.kind == .io && error.message.contains("/nonexistent/logstag/agent.toml"))
    }
}
