import Foundation
import Testing

@testable import LogstagAgent

@Suite("Log files: rotation and retention")
struct RotatingFileWriterTests {
    static func files(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }

    static func setModificationTime(_ path: String, secondsAgo: TimeInterval) throws {
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-secondsAgo)], ofItemAtPath: path)
    }

    @Test("agent.log is created 0640 and lines are appended one per record")
    func appends() throws {
        let directory = ConfigTestSupport.makeDirectory()
        defer { ConfigTestSupport.remove(directory) }
        let writer = try RotatingFileWriter(directory: directory + "/logs")
        writer.write(line: "first")
        writer.write(line: "second")
        #expect(writer.path == directory + "/logs/agent.log")
        #expect(try String(contentsOfFile: writer.path, encoding: .utf8) == "first\nsecond\n")
        #expect(ConfigTestSupport.mode(of: writer.path) == 0o640)

        // A restarted agent appends to the same file.
        writer.close()
        let again = try RotatingFileWriter(directory: directory + "/logs")
        again.write(line: "third")
        #expect(try String(contentsOfFile: writer.path, encoding: .utf8) == "first\nsecond\nthird\n")
    }

    @Test("past the size limit the file is renamed agent-<UTC stamp>.log and a new one started; no line is lost")
    func rotatesBySize() throws {
        let directory = ConfigTestSupport.makeDirectory()
        defer { ConfigTestSupport.remove(directory) }
        let fixed = Date(timeIntervalSince1970: 1_795_255_200)  // 2026-11-21T10:00:00Z
        let writer = try RotatingFileWriter(directory: directory, maxBytes: 100, now: { fixed })
        let lines = (0..<30).map { String(format: "line %02d ", $0) + String(repeating: "x", count: 20) }  // 29 bytes + newline
        for line in lines { writer.write(line: line) }

        let names = Self.files(directory)
        #expect(names.contains("agent.log"))
        #expect(names.contains("agent-20261121-100000.log"))
        #expect(names.contains("agent-20261121-100000-1.log"), "a second rotation in the same second gets a suffix: \(names)")
        #expect(names.count == 10, "30 lines of 30 bytes, 3 per 100-byte file: \(names)")
        var collected: [String] = []
        for name in names {
            let content = try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
            #expect(content.utf8.count <= 100, "\(name) is over the limit")
            collected += content.split(separator: "\n").map(String.init)
        }
        #expect(collected.sorted() == lines.sorted())
    }

    @Test("a line longer than the limit is written whole, alone in its file")
    func oversizedLine() throws {
        let directory = ConfigTestSupport.makeDirectory()
        defer { ConfigTestSupport.remove(directory) }
        let writer = try RotatingFileWriter(directory: directory, maxBytes: 10)
        writer.write(line: "short")
        writer.write(line: String(repeating: "y", count: 50))
        #expect(try String(contentsOfFile: writer.path, encoding: .utf8) == String(repeating: "y", count: 50) + "\n")
        #expect(Self.files(directory).count == 2)
    }

    @Test("rotated files older than the retention are deleted at start and at each rotation; others are kept")
    func removesOldFiles() throws {
        let directory = ConfigTestSupport.makeDirectory()
        defer { ConfigTestSupport.remove(directory) }
        let day: TimeInterval = 24 * 60 * 60
        for (name, age) in [("agent-20200101-000000.log", 4 * day), ("agent-20200102-000000.log", 2 * day), ("other.log", 10 * day)] {
            ConfigTestSupport.writeFile(directory + "/" + name, "old\n")
            try Self.setModificationTime(directory + "/" + name, secondsAgo: age)
        }
        ConfigTestSupport.writeFile(directory + "/agent.log", "current\n")
        try Self.setModificationTime(directory + "/agent.log", secondsAgo: 30 * day)

        let writer = try RotatingFileWriter(directory: directory, maxBytes: 20, maxAge: 3 * day)
        #expect(Self.files(directory) == ["agent-20200102-000000.log", "agent.log", "other.log"])

        // It ages past the limit while the agent runs: the next rotation removes it. (agent.log is
        // written to now, as it is in a running agent, so the file it becomes is recent.)
        try Self.setModificationTime(directory + "/agent-20200102-000000.log", secondsAgo: 3 * day + 60)
        try Self.setModificationTime(directory + "/agent.log", secondsAgo: 0)
        writer.write(line: "0123456789abcdefghij")
        #expect(!Self.files(directory).contains("agent-20200102-000000.log"))
        #expect(Self.files(directory).contains("other.log"))
        #expect(Self.files(directory).filter { $0.hasPrefix("agent-") }.count == 1, "the file just rotated is kept")
    }

    @Test("a symbolic link named agent.log is not followed")
    func refusesSymlink() throws {
        let directory = ConfigTestSupport.makeDirectory()
        defer { ConfigTestSupport.remove(directory) }
        ConfigTestSupport.writeFile(directory + "/victim", "untouched\n")
        try FileManager.default.createSymbolicLink(atPath: directory + "/agent.log", withDestinationPath: directory + "/victim")
        #expect(throws: LogFileError.self) { try RotatingFileWriter(directory: directory) }
        #expect(try String(contentsOfFile: directory + "/victim", encoding: .utf8) == "untouched\n")
    }

    @Test("concurrent writers never interleave within a line")
    func threadSafety() async throws {
        let directory = ConfigTestSupport.makeDirectory()
        defer { ConfigTestSupport.remove(directory) }
        let writer = try RotatingFileWriter(directory: directory, maxBytes: 4_000)
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for index in 0..<200 { writer.write(line: "task=\(task) index=\(index) " + String(repeating: "z", count: 40)) }
                }
            }
        }
        var lines: [String] = []
        for name in Self.files(directory) {
            lines += try String(contentsOfFile: directory + "/" + name, encoding: .utf8).split(separator: "\n").map(String.init)
        }
        #expect(lines.count == 1_600)
        #expect(lines.allSatisfy { $0.range(of: #"^task=\d index=\d+ z{40}$"#, options: .regularExpression) != nil })
    }
}
