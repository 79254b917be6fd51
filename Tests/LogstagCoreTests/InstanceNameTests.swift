import Testing
import LogstagCore

struct InstanceNameTests {
    @Test func trimsAndAccepts() throws {
        #expect(try InstanceName.validate("  Orders primary \n") == "Orders primary")
        #expect(try InstanceName.validate("abc") == "abc")
        #expect(try InstanceName.validate(String(repeating: "x", count: 100)).count == 100)
    }

    @Test func countsCharactersNotBytes() throws {
        #expect(try InstanceName.validate("日本語") == "日本語")
        #expect(try InstanceName.validate(String(repeating: "é", count: 100)).count == 100)
    }

    @Test(arguments: ["", "ab", "   ab   ", String(repeating: "x", count: 101)])
    func rejectsLength(_ raw: String) {
        #expect {
            try InstanceName.validate(raw)
        } throws: { error in
            let error = error as! ValidationError
            return error.code == "invalid_name" && error.field == "name" && error.message.contains("3")
                && error.message.contains("100") && error.message.contains("name")
        }
    }

    @Test(arguments: ["abc\u{0}def", "line\nbreak", "tab\there", "bell\u{7}x"])
    func rejectsControlCharacters(_ raw: String) {
        #expect(throws: ValidationError.self) { try InstanceName.validate(raw) }
    }

    @Test func normalizedKeyIgnoresCase() {
        #expect(InstanceName.normalizedKey("Orders DB") == InstanceName.normalizedKey("orders db"))
        #expect(InstanceName.normalizedKey("Orders DB") != InstanceName.normalizedKey("Orders DB2"))
    }
}
