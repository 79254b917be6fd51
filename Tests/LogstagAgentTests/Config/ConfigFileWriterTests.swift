import Foundation
import Testing

@testable import LogstagAgent

@Suite("Agent configuration: atomic, private writes")
struct ConfigFileWriterTests {
    @Test("a new file gets the text and mode 0600, and no temporary file is left behind")
    func writesNewFile() throws {
        let directory = ConfigTestSupport.makeDirectory()
        defer { ConfigTestSupport.remove(directory) }
        let path = directory + "/agent.toml"
        try ConfigFileWriter.write("[agent]\napi_base_url = \"https://x.example\"\n", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "[agent]\napi_base_url = \"https://x.example\"\n")
        #expect(ConfigTestSupport.mode(of: path) == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["agent.toml"])
    }

    @Test("replacing a 0644 file leaves a 0600 file with the new text")
    func replacesExistingFile() throws {
        let directory = ConfigTestSupport.makeDirectory()
        defer { ConfigTestSupport.remove(directory) }
        let path = directory + "/agent.toml"
        ConfigTestSupport.writeFile(path, "old text that is longer than the new one\n", mode: 0o644)
        var before = stat()
        stat(path, &before)
        try ConfigFileWriter.write("new\n", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new\n")
        #expect(ConfigTestSupport.mode(of: path) == 0o600)
        var after = stat()
        stat(path, &after)
        #expect(before.st_ino != after.st_ino, "the file is replaced by rename, never rewritten in place")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["agent.toml"])
    }

    @Test("as root, the previous owner and group are kept")
    func keepsOwnerAsRoot() throws {
        guard ConfigTestSupport.runningAsRoot else { return }  // only root can give files away
        let directory = ConfigTestSupport.makeDirectory()
        defer { ConfigTestSupport.remove(directory) }
        let path = directory + "/agent.toml"
        ConfigTestSupport.writeFile(path, "old\n")
        #expect(chown(path, 4242, 4343) == 0)
        try ConfigFileWriter.write("new\n", to: path)
        var info = stat()
        stat(path, &info)
        #expect(info.st_uid == 4242 && info.st_gid == 4343)
        #expect(ConfigTestSupport.mode(of: path) == 0o600)
    }

    @Test("a symbolic link is followed: the file it names is replaced and the link kept")
    func followsSymlink() throws {
        let directory = ConfigTestSupport.makeDirectory()
        defer { ConfigTestSupport.remove(directory) }
        try FileManager.default.createDirectory(atPath: directory + "/real", withIntermediateDirectories: false)
        ConfigTestSupport.writeFile(directory + "/real/agent.toml", "old\n")
        try FileManager.default.createSymbolicLink(atPath: directory + "/agent.toml", withDestinationPath: directory + "/real/agent.toml")
        try ConfigFileWriter.write("new\n", to: directory + "/agent.toml")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: directory + "/agent.toml") == directory + "/real/agent.toml")
        #expect(try String(contentsOfFile: directory + "/real/agent.toml", encoding: .utf8) == "new\n")
    }

    @Test("when the rename fails the old content stays and the temporary file is removed")
    func failureLeavesOldFile() throws {
        let directory = ConfigTestSupport.makeDirectory()
        defer { ConfigTestSupport.remove(directory) }
        // A non-empty directory where the file should be: rename(2) over it fails.
        let path = directory + "/agent.toml"
        try FileManager.default.createDirectory(atPath: path + "/keep", withIntermediateDirectories: true)
        let error = try #require(throws: ConfigWriteError.self) { try ConfigFileWriter.write("new\n", to: path) }
        #expect(error.message.contains(path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["agent.toml"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: path) == ["keep"])

        #expect(throws: ConfigWriteError.self) { try ConfigFileWriter.write("x", to: directory + "/missing-dir/agent.toml") }
    }

    @Test("edit then write: enrollment's api_key lands in a private file that loads")
    func editAndWrite() throws {
        let directory = ConfigTestSupport.makeDirectory()
        defer { ConfigTestSupport.remove(directory) }
        let path = directory + "/agent.toml"
        ConfigTestSupport.writeFile(path, "# mine\n[agent]\napi_base_url = \"https://x.example\"\nstate_dir = \"\(directory)/state\"\n")
        let box = try SecretBox(stateDirectory: directory + "/state", createHostSecret: true, machineID: "host-1")
        var editor = try AgentConfigEditor(text: try String(contentsOfFile: path, encoding: .utf8))
        editor.setAgentValue("api_key", .string(try box.encrypt("lsa_enrolledKey")))
        try ConfigFileWriter.write(editor.text, to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("# mine\n[agent]\n"))
        #expect(try AgentConfigLoader.loadFile(path: path, machineID: "host-1").agent.apiKey?.reveal() == "lsa_enrolledKey")
    }
}
