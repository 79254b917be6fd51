import Testing
import LogstagCore

struct PasswordPolicyTests {
    @Test func acceptsTwelveCharacters() throws {
        try PasswordPolicy.validate("correct hors")
        try PasswordPolicy.validate(String(repeating: "x", count: PasswordPolicy.maxBytes))
    }

    @Test func rejectsElevenCharacters() {
        #expect {
            try PasswordPolicy.validate("correct hor")
        } throws: { error in
            let error = error as! ValidationError
            return error.code == "invalid_password" && error.message.contains("12") && !error.message.contains("correct")
        }
    }

    @Test func rejectsOverMaxBytes() {
        // 342 three-byte characters = 1026 bytes but only 342 characters.
        #expect(throws: ValidationError.self) { try PasswordPolicy.validate(String(repeating: "€", count: 342)) }
        #expect(throws: ValidationError.self) { try PasswordPolicy.validate(String(repeating: "x", count: 1025)) }
    }

    @Test func rejectsOnlyWhitespace() {
        #expect(throws: ValidationError.self) { try PasswordPolicy.validate(String(repeating: " ", count: 20)) }
    }
}
