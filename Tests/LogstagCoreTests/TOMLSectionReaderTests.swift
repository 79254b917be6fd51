import Testing
import LogstagCore

struct TOMLSectionReaderTests {
    static let text = """
        [server]
        listen = "0.0.0.0:8080"
        workers = 4
        tls = true
        origins = ["https://a", "https://b"]
        lisen = "typo"
        ratio = 0.75
        mixed = ["a", 1]
        """

    func reader(_ keys: [String] = ["listen", "workers", "tls", "origins", "ratio", "mixed"]) throws -> TOMLSectionReader {
        let document = try TOMLDocument.parse(Self.text)
        return TOMLSectionReader(table: try #require(document.table(named: "server")), allowedKeys: keys)
    }

    @Test func readsTypedValues() throws {
        let reader = try reader()
        #expect(try reader.string("listen") == "0.0.0.0:8080")
        #expect(try reader.int("workers") == 4)
        #expect(try reader.bool("tls") == true)
        #expect(try reader.stringArray("origins") == ["https://a", "https://b"])
        #expect(try reader.double("ratio") == 0.75)
        #expect(try reader.double("workers") == 4)
        #expect(try reader.string("absent") == nil)
        #expect(try reader.int("absent") == nil)
    }

    @Test func wrongTypeNamesKeyAndLine() throws {
        let reader = try reader()
        let cases: [(() throws(TOMLError) -> Void, String)] = [
            ({ () throws(TOMLError) in _ = try reader.string("workers") }, #"line 3: key "workers": expected a string, found an integer"#),
            ({ () throws(TOMLError) in _ = try reader.int("listen") }, #"line 2: key "listen": expected an integer, found a string"#),
            ({ () throws(TOMLError) in _ = try reader.bool("listen") }, #"line 2: key "listen": expected true or false, found a string"#),
            ({ () throws(TOMLError) in _ = try reader.stringArray("tls") }, #"line 4: key "tls": expected an array of strings, found a boolean"#),
            ({ () throws(TOMLError) in _ = try reader.stringArray("mixed") }, #"line 8: key "mixed": expected an array of strings, found an integer in it"#),
            ({ () throws(TOMLError) in _ = try reader.double("listen") }, #"line 2: key "listen": expected a number, found a string"#),
        ]
        for (read, expected) in cases {
            do {
                try read()
                Issue.record("no error, expected \(expected)")
            } catch {
                #expect(error.description == expected)
            }
        }
    }

    @Test func rejectsFirstUnknownKeyWithItsLine() throws {
        let reader = try reader()
        do {
            try reader.rejectUnknownKeys()
            Issue.record("accepted an unknown key")
        } catch {
            #expect(error.line == 6)
            #expect(error.key == "lisen")
            #expect(error.description == #"line 6: unknown key "lisen" in [server]"#)
        }
    }

    @Test func acceptsOnlyAllowedKeys() throws {
        try reader(["listen", "workers", "tls", "origins", "lisen", "ratio", "mixed"]).rejectUnknownKeys()
    }

    @Test func rootTableIsCalledTheTopLevel() throws {
        let document = try TOMLDocument.parse("stray = 1\n")
        #expect {
            try TOMLSectionReader(table: document.tables[0], allowedKeys: Set<String>()).rejectUnknownKeys()
        } throws: { error in
            (error as! TOMLError).description == #"line 1: unknown key "stray" in the top level"#
        }
    }
}
