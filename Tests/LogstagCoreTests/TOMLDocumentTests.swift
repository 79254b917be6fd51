import Testing
import LogstagCore

struct TOMLDocumentTests {
    static let good = #"""
        # Logstag agent configuration
        title = "agent"   # trailing comment

        [agent]
        api_base_url = "https://logstag.example.com"
        api_key = 'C:\literal\path'
        high_frequency_interval = 10
        big = 1_000_000
        negative = -42
        positive = +7
        hex = 0xFF
        ratio = 0.5
        exponent = 1e3
        signed_float = -2.5E-1
        compress_request_payload = true
        export_to_file = false
        escapes = "tab\there \"quoted\" back\\slash \u00e9 \U0001F600 line\nend"
        tags = [
          "a",  # first
          "b",
          # a comment line inside the array
          "c",
        ]
        empty = []
        nested = [[1, 2], ["x"]]
        "quoted key" = 1

        [targets."orders primary"]
        db_engine = "postgresql"
        db_port = 5432

        [targets.cache]
        db_engine = "redis"
        """#

    @Test func parsesGoodDocument() throws {
        let document = try TOMLDocument.parse(Self.good)
        #expect(document.tables.map(\.name) == ["", "agent", "targets.orders primary", "targets.cache"])
        #expect(document.tables.map(\.line) == [1, 4, 28, 32])
        #expect(document.tables[2].path == ["targets", "orders primary"])
        #expect(document.table(named: "")?.entry("title") == TOMLEntry(key: "title", value: .string("agent"), line: 2))

        let agent = try #require(document.table(named: "agent"))
        #expect(agent.entries.map(\.key) == [
            "api_base_url", "api_key", "high_frequency_interval", "big", "negative", "positive", "hex", "ratio", "exponent",
            "signed_float", "compress_request_payload", "export_to_file", "escapes", "tags", "empty", "nested", "quoted key",
        ])
        #expect(agent.entry("api_key")?.value == .string(#"C:\literal\path"#))
        #expect(agent.entry("high_frequency_interval") == TOMLEntry(key: "high_frequency_interval", value: .integer(10), line: 7))
        #expect(agent.entry("big")?.value == .integer(1_000_000))
        #expect(agent.entry("negative")?.value == .integer(-42))
        #expect(agent.entry("positive")?.value == .integer(7))
        #expect(agent.entry("hex")?.value == .integer(255))
        #expect(agent.entry("ratio")?.value == .float(0.5))
        #expect(agent.entry("exponent")?.value == .float(1000))
        #expect(agent.entry("signed_float")?.value == .float(-0.25))
        #expect(agent.entry("compress_request_payload")?.value == .bool(true))
        #expect(agent.entry("export_to_file")?.value == .bool(false))
        #expect(agent.entry("escapes")?.value == .string("tab\there \"quoted\" back\\slash é 😀 line\nend"))
        #expect(agent.entry("tags") == TOMLEntry(key: "tags", value: .array([.string("a"), .string("b"), .string("c")]), line: 18))
        #expect(agent.entry("empty")?.value == .array([]))
        #expect(agent.entry("nested")?.value == .array([.array([.integer(1), .integer(2)]), .array([.string("x")])]))
        #expect(agent.entry("quoted key")?.line == 26)
        #expect(document.table(path: ["targets", "orders primary"])?.entry("db_port")?.value == .integer(5432))
        #expect(document.table(named: "targets.cache")?.entry("db_engine")?.line == 33)
        #expect(document.table(named: "missing") == nil)
    }

    @Test func emptyDocumentHasOnlyTheRoot() throws {
        let document = try TOMLDocument.parse("\n# nothing\n")
        #expect(document.tables.count == 1)
        #expect(document.tables[0].name == "")
        #expect(document.tables[0].entries.isEmpty)
    }

    @Test func crlfLineEndingsCountLines() throws {
        let document = try TOMLDocument.parse("a = 1\r\n\r\n[s]\r\nb = \"x\"\r\n")
        #expect(document.table(named: "s")?.line == 3)
        #expect(document.table(named: "s")?.entry("b")?.line == 4)
    }

    /// Each malformed document, the line the error must name, and a phrase of its message.
    static let errorCases: [(String, Int, String)] = [
        ("a = 1\nb = 2\na = 3\n", 3, #"key "a" is defined twice in the top level (first on line 1)"#),
        ("[server]\nlisten = \"x\"\n\n[other]\n[server]\n", 5, "table [server] is defined twice (first on line 1)"),
        ("[s]\nserver.listen = 1\n", 2, "dotted keys are not supported"),
        ("[s]\n\nname = \"unterminated\n", 3, "not closed"),
        ("x = 'unterminated\n", 1, "not closed"),
        ("\nname = \"bad \\q escape\"\n", 2, #"invalid escape sequence "\q""#),
        ("name = \"\\u12\"\n", 1, "escape"),
        ("\n\nlisten = localhost\n", 3, #"key "listen": expected a value (strings must be quoted)"#),
        ("listen =\n", 1, #"key "listen": expected a value after "=""#),
        ("listen \"x\"\n", 1, #"expected "=" after the key"#),
        ("a = 1 2\n", 1, "unexpected text after the value"),
        ("[s] junk\n", 1, "unexpected text after the table header"),
        ("[s\n", 1, #"expected "]""#),
        ("[]\n", 1, "expected a table name"),
        ("[[s]]\n", 1, "arrays of tables"),
        ("t = { a = 1 }\n", 1, "inline tables are not supported"),
        ("t = \"\"\"x\"\"\"\n", 1, "multi-line strings are not supported"),
        ("a = [1,\n2,\n", 1, "not closed"),
        ("a = [1\n2]\n", 2, #"expected "," or "]""#),
        ("a = [,]\n", 1, "expected a value"),
        ("n = 007\n", 1, "leading zeros"),
        ("n = 9223372036854775808\n", 1, "out of the 64-bit range"),
        ("n = 1__0\n", 1, "expected a value"),
        ("n = 1_\n", 1, "expected a value"),
        ("n = 1.\n", 1, "expected a value"),
        ("n = -0x1F\n", 1, "cannot have a sign"),
        ("d = 1979-05-27\n", 1, "dates and times are not supported"),
        ("d = 07:32:00\n", 1, "dates and times are not supported"),
        ("= 1\n", 1, "expected a key"),
        ("a = 1\r2\n", 1, "carriage return"),
        ("[a]\nb = 1\n[a.b]\n", 3, #"key "b" (line 2) and table [a.b] (line 3) define the same name"#),
        ("s = \"a\u{1}b\"\n", 1, "control characters"),
    ]

    @Test(arguments: 0..<errorCases.count)
    func errorNamesTheLine(_ index: Int) {
        let (text, line, phrase) = Self.errorCases[index]
        do {
            let document = try TOMLDocument.parse(text)
            Issue.record("accepted case \(index): \(document)")
        } catch {
            #expect(error.line == line, "case \(index): \(error)")
            #expect(error.message.contains(phrase), "case \(index): \(error)")
            #expect(error.description == "line \(line): \(error.message)")
        }
    }

    @Test func errorsCarryTheKey() {
        #expect {
            try TOMLDocument.parse("[server]\nlisten = nope\n")
        } throws: { error in
            let error = error as! TOMLError
            return error.key == "listen" && error.description == #"line 2: key "listen": expected a value (strings must be quoted)"#
        }
    }

    @Test func errorsDoNotQuoteValues() {
        #expect {
            try TOMLDocument.parse("db_password = hunter2secret\n")
        } throws: { error in
            !(error as! TOMLError).description.contains("hunter2secret")
        }
    }
}
