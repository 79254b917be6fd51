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

    @Test func acceptsExactly254BytesAndRejects255() throws {
        let domain = Array(repeating: String(repeating: "x", count: 61), count: 4).joined(separator: ".") + ".com"
        #expect(("ab@" + domain).utf8.count == 254)
        #expect(try EmailAddress.validate("ab@" + domain) == "ab@" + domain)
        #expect(throws: ValidationError.self) { try EmailAddress.validate("abc@" + domain) }
    }
}
