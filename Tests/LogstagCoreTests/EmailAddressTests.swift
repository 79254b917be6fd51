import Testing
import LogstagCore

struct EmailAddressTests {
    @Test func normalises() throws {
        #expect(try EmailAddress.validate("  Alice.Smith+ops@Example.COM ") == "alice.smith+ops@example.com")
    }

    @Test(arguments: [
        "", "alice", "alice@", "@example.com", "alice@example", "alice@@example.com", "al ice@example.com",
        "alice@exa mple.com", "alice@.example.com", "alice@example..com", ".alice@example.com", "a..b@example.com",
        "alice@-example.com", "alice@example.com\u{0}", "alice<x>@example.com",
    ])
    func rejectsBadShapes(_ raw: String) {
        #expect {
            try EmailAddress.validate(raw)
        } throws: { error in
            (error as? ValidationError)?.code == "invalid_email"
        }
    }

    @Test func rejectsOver254Bytes() throws {
        let domain = String(repeating: "d", count: 60) + "." + String(repeating: "e", count: 60) + "." + String(repeating: "f", count: 60)
            + "." + String(repeating: "g", count: 60) + ".com"
        let ok = "a@" + domain.dropFirst(domain.count - 251)
        #expect(ok.utf8.count == 253)
        _ = try EmailAddress.validate(String(ok))
        #expect(throws: ValidationError.self) { try EmailAddress.validate("ab" + domain + "x") }
    }
}
