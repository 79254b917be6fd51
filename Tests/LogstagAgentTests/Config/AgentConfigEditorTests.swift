import Foundation
import LogstagCore
import Testing

@testable import LogstagAgent

@Suite("Agent configuration: text-preserving edits")
struct AgentConfigEditorTests {
    static let original = """
        # Logstag agent configuration (header comment)

        [agent]
        # where the server is
        api_base_url = "https://logstag.example.com"
        log_level = "info"   # keep it at info

        # The production database.
        [targets.pg]
        platform = "self-hosted"
        db_engine = "postgresql"
        db_host = "db.internal"
        db_port = 5432
        db_username = "monitor"
        db_password = "old"
        db_name = "postgres"

        """

    @Test("replacing an [agent] key keeps every other line, the key's place and its trailing comment")
    func replacesInPlace() throws {
        var editor = try AgentConfigEditor(text: Self.original)
        editor.setAgentValue("log_level", .string("debug"))
        #expect(editor.text == Self.original.replacingOccurrences(of: "log_level = \"info\"   # keep it at info", with: "log_level = \"debug\" # keep it at info"))
    }

    @Test("a new [agent] key goes right after the table's last entry")
    func insertsAfterLastAgentEntry() throws {
        var editor = try AgentConfigEditor(text: Self.original)
        editor.setAgentValue("api_key", .string("lsa_enrolledAgentKey"))
        let lines = editor.text.components(separatedBy: "\n")
        #expect(lines[5] == "log_level = \"info\"   # keep it at info")
        #expect(lines[6] == "api_key = \"lsa_enrolledAgentKey\"")
        #expect(lines[7] == "")
        #expect(lines.count == Self.original.components(separatedBy: "\n").count + 1)
        #expect(try AgentConfigLoader.load(text: editor.text, secrets: nil).agent.apiKey?.reveal() == "lsa_enrolledAgentKey")
    }

    @Test("a missing [agent] table is created before the first table and its comment block")
    func createsAgentTable() throws {
        let text = "# header\n\n# the database\n[targets.pg]\nplatform = \"self-hosted\"\n"
        var editor = try AgentConfigEditor(text: text)
        editor.setAgentValue("api_base_url", .string("https://x.example"))
        #expect(editor.text == "# header\n\n[agent]\napi_base_url = \"https://x.example\"\n\n# the database\n[targets.pg]\nplatform = \"self-hosted\"\n")

        var empty = try AgentConfigEditor(text: "")
        empty.setAgentValue("api_base_url", .string("https://x.example"))
        #expect(empty.text == "[agent]\napi_base_url = \"https://x.example\"\n")

        var headerOnly = try AgentConfigEditor(text: "[agent]\n")
        headerOnly.setAgentValue("log_level", .string("warn"))
        #expect(headerOnly.text == "[agent]\nlog_level = \"warn\"\n")
    }

    @Test("target values are replaced or added inside their table; an unknown target is appended")
    func targetValues() throws {
        var editor = try AgentConfigEditor(text: Self.original)
        editor.setTargetValue(target: "pg", "db_password", .string("new"))
        editor.setTargetValue(target: "pg", "asset_id", .string("asset-42"))
        editor.setTargetValue(target: "other", "platform", .string("self-hosted"))
        let expected = Self.original
            .replacingOccurrences(of: "db_password = \"old\"", with: "db_password = \"new\"")
            .replacingOccurrences(of: "db_name = \"postgres\"\n", with: "db_name = \"postgres\"\nasset_id = \"asset-42\"\n")
            + "\n[targets.other]\nplatform = \"self-hosted\"\n"
        #expect(editor.text == expected)
        #expect(editor.targetNames == ["pg", "other"])
    }

    @Test("appendTarget adds a table at the end and refuses an existing name")
    func appendTarget() throws {
        var editor = try AgentConfigEditor(text: Self.original)
        try editor.appendTarget(
            name: "cache",
            entries: [
                ("platform", .string("self-hosted")), ("db_engine", .string("redis")), ("db_host", .string("127.0.0.1")),
                ("db_port", .integer(6379)), ("db_username", .string("")), ("db_password", .string("")), ("db_name", .string("0")),
            ])
        #expect(editor.text.hasPrefix(Self.original))
        #expect(editor.text.hasSuffix("\n[targets.cache]\nplatform = \"self-hosted\"\ndb_engine = \"redis\"\ndb_host = \"127.0.0.1\"\ndb_port = 6379\ndb_username = \"\"\ndb_password = \"\"\ndb_name = \"0\"\n"))
        #expect(AgentConfigLoader.check(text: editor.text) == [])
        #expect(try AgentConfigLoader.load(text: editor.text, secrets: nil).targets.map(\.name) == ["pg", "cache"])

        let duplicate = try #require(throws: ConfigProblems.self) { try editor.appendTarget(name: "pg", entries: [("platform", .string("self-hosted"))]) }
        #expect(duplicate.problems[0].line == 9 && duplicate.problems[0].message.contains("already exists"))
        #expect(throws: ConfigProblems.self) { try editor.appendTarget(name: "x", entries: [("a", .integer(1)), ("a", .integer(2))]) }
        #expect(throws: ConfigProblems.self) { try editor.appendTarget(name: "", entries: []) }
    }

    @Test("a target name that needs quoting is quoted in its header")
    func quotedTargetName() throws {
        var editor = try AgentConfigEditor(text: "[agent]\napi_base_url = \"https://x.example\"\n")
        try editor.appendTarget(name: "eu.main db", entries: [("platform", .string("self-hosted"))])
        #expect(editor.text.contains("[targets.\"eu.main db\"]\n"))
        #expect(try TOMLDocument.parse(editor.text).table(path: ["targets", "eu.main db"]) != nil)
        editor.setTargetValue(target: "eu.main db", "db_host", .string("h"))
        #expect(try TOMLDocument.parse(editor.text).table(path: ["targets", "eu.main db"])?.entry("db_host")?.value == .string("h"))
    }

    @Test("any password round-trips: quotes, backslashes, line breaks, control characters, non-ASCII")
    func passwordRoundTrip() throws {
        let passwords = [
            "p\"a'ss\\word", "line1\nline2\r\n", "tab\there", "nul\u{0}bell\u{7}del\u{7F}esc\u{1B}", "#not a comment", "ends with backslash\\",
            "\\u0041 literal escape text", "päss wörd ✓ 😀", "\u{2028}separator", "]} [targets.x] = \"", "",
        ]
        for password in passwords {
            var editor = try AgentConfigEditor(text: Self.original)
            editor.setTargetValue(target: "pg", "db_password", .string(password))
            let document = try TOMLDocument.parse(editor.text)
            #expect(document.table(path: ["targets", "pg"])?.entry("db_password")?.value == .string(password))
            #expect(try AgentConfigLoader.load(text: editor.text, secrets: nil).targets[0].password.reveal() == password)
            #expect(editor.text.components(separatedBy: "\n").count == Self.original.components(separatedBy: "\n").count, "stays on one line")
        }
    }

    @Test("every TOML value kind renders as text that parses back to the same value")
    func valueRendering() throws {
        let values: [TOMLValue] = [
            .integer(0), .integer(-42), .integer(Int64.max), .float(1.5), .float(-0.25), .float(1e20), .float(5), .float(.infinity),
            .float(-.infinity), .bool(true), .bool(false), .array([]), .array([.string("a\"b"), .integer(1), .array([.bool(false)])]),
        ]
        for value in values {
            let document = try TOMLDocument.parse("k = " + value.tomlText + "\n")
            #expect(document.tables[0].entry("k")?.value == value, "\(value.tomlText)")
        }
        let nan = try TOMLDocument.parse("k = " + TOMLValue.float(.nan).tomlText)
        if case .float(let parsed)? = nan.tables[0].entry("k")?.value { #expect(parsed.isNaN) } else { Issue.record("nan did not parse") }
    }

    @Test("a value spanning several lines is replaced whole")
    func multiLineValue() throws {
        var editor = try AgentConfigEditor(text: "[agent]\nlist = [\n  1, # one\n  \"]\",\n] # after\nnext = 2\n")
        editor.setAgentValue("list", .integer(5))
        #expect(editor.text == "[agent]\nlist = 5 # after\nnext = 2\n")
        editor.setAgentValue("next", .array([.integer(1), .integer(2)]))
        #expect(editor.text == "[agent]\nlist = 5 # after\nnext = [1, 2]\n")
    }

    @Test("CRLF files stay CRLF and indentation is kept")
    func lineEndings() throws {
        var editor = try AgentConfigEditor(text: "[agent]\r\n  api_base_url = \"https://a.example\"\r\n")
        editor.setAgentValue("api_base_url", .string("https://b.example"))
        editor.setAgentValue("log_level", .string("info"))
        #expect(editor.text == "[agent]\r\n  api_base_url = \"https://b.example\"\r\n  log_level = \"info\"\r\n")
    }

    @Test("text that is not valid TOML is refused with its line")
    func refusesInvalidText() throws {
        let error = try #require(throws: ConfigProblems.self) { try AgentConfigEditor(text: "[agent]\napi_base_url = \n") }
        #expect(error.problems[0].line == 2)
    }
}
