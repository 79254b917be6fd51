import Foundation
import Testing
import LogstagCore

struct RedactionTests {
    static let token = TokenFormat.generate(.apiKey).raw
    static let secrets = ["hunter2-pw", "s3cr3t-new", "old-pass-1", "csrf-value-9", "cookie-value", "k-value-77", "Bearer abcdef123456"]

    func assertClean(_ output: String, _ extra: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) {
        for secret in Self.secrets + [Self.token] + extra {
            #expect(!output.contains(secret), "\(secret) survived in \(output)", sourceLocation: sourceLocation)
        }
    }

    @Test func sensitiveKeysAtAnyDepth() throws {
        let body: JSONValue = [
            "email": "a@example.com",
            "Password": "hunter2-pw",
            "profile": ["new_password": "s3cr3t-new", "list": [["current_password": "old-pass-1"], ["_csrf": "csrf-value-9"]]],
            "deep": [[[["Cookie": "cookie-value", "KEY": ["nested": "k-value-77"]]]]],
            "headers": ["authorization": "Bearer abcdef123456"],
            "count": 3,
        ]
        let output = Redaction.redactJSON(try JSONEncoder().encode(body))
        assertClean(output)
        #expect(output.contains(#""email":"a@example.com""#))
        #expect(output.contains(#""count":3"#))
        #expect(output.contains(#""Password":"********""#))
        #expect(output.contains(#""KEY":"********""#))
    }

    @Test func everySensitiveKeyIsMasked() throws {
        for key in Redaction.sensitiveKeys {
            for spelling in [key, key.uppercased(), key.replacingOccurrences(of: "_", with: "-")] {
                let json = Data(#"{"outer":{"\#(spelling)":"v4lue-\#(key)"}}"#.utf8)
                let output = Redaction.redactJSON(json)
                #expect(!output.contains("v4lue-"), "\(spelling): \(output)")
            }
        }
    }

    @Test func tokenValuesAreMaskedAnywhere() throws {
        let embedded = "see \(Self.token) here"
        let json = Data(#"{"note":"\#(Self.token)","list":["\#(embedded)"],"harmless":"lsk_short"}"#.utf8)
        let output = Redaction.redactJSON(json)
        assertClean(output)
        #expect(output.contains(#""note":"********""#))
        #expect(output.contains("see ******** here"))
        #expect(output.contains("lsk_short"))
        let keyed = Redaction.redactJSON(Data(#"{"\#(Self.token)":1}"#.utf8))
        #expect(keyed == #"{"********":1}"#)
    }

    @Test func sortedKeysAndNonJSON() {
        #expect(Redaction.redactJSON(Data(#"{"b":1,"a":[true,null]}"#.utf8)) == #"{"a":[true,null],"b":1}"#)
        #expect(Redaction.redactJSON(Data("password=hunter2-pw".utf8)) == "(non-JSON body, 19 bytes)")
        #expect(Redaction.redactJSON(Data()) == "(non-JSON body, 0 bytes)")
    }

    @Test func tooDeepJSONIsNotEchoed() {
        let deep = String(repeating: "[", count: 100) + "\"hunter2-pw\"" + String(repeating: "]", count: 100)
        let output = Redaction.redactJSON(Data(deep.utf8))
        assertClean(output)
        #expect(output.contains("\(deep.utf8.count) bytes"))
    }

    @Test func truncates() {
        let long: JSONValue = ["text": .string(String(repeating: "x", count: 10_000))]
        let output = Redaction.redactJSON(try! JSONEncoder().encode(long), maxBytes: 100)
        #expect(output.hasSuffix("…(truncated)"))
        #expect(output.utf8.count == 100 + "…(truncated)".utf8.count)
        #expect(Redaction.redactJSON(Data(#"{"a":1}"#.utf8), maxBytes: 7) == #"{"a":1}"#)
    }

    @Test func formBodies() throws {
        let body = "email=a%40example.com&password=hunter2-pw&_csrf=csrf-value-9&note=hello+world&tag=1&tag=2&TOKEN=\(Self.token)"
        let output = Redaction.redactForm(body)
        assertClean(output)
        let object = try JSONDecoder().decode(JSONValue.self, from: Data(output.utf8))
        #expect(object == [
            "email": "a@example.com", "password": "********", "_csrf": "********", "note": "hello world", "tag": ["1", "2"],
            "TOKEN": "********",
        ])
    }

    @Test func formValuesThatLookLikeTokensAreMasked() {
        let output = Redaction.redactForm("comment=\(Self.token)")
        #expect(output == #"{"comment":"********"}"#)
    }

    @Test func textPatterns() {
        #expect(Redaction.redactText("connect postgres://monitor:hunter2-pw@db:5432/app") == "connect postgres://monitor:********@db:5432/app")
        #expect(Redaction.redactText("login password=hunter2-pw&user=x") == "login password=********&user=x")
        #expect(Redaction.redactText(#"{"db_password": "hunter2-pw"}"#) == #"{"db_password": "********"}"#)
        #expect(Redaction.redactText("Authorization: Bearer abcdef123456") == "Authorization: ********")
        #expect(Redaction.redactText("curl -H 'X-Token: Bearer \(Self.token)'").contains("********"))
        #expect(Redaction.redactText("token \(Self.token) expired") == "token ******** expired")
        #expect(Redaction.redactText("nothing secret here: 42 rows") == "nothing secret here: 42 rows")
        let mixed = "PWD=hunter2-pw api-key: k-value-77 secret='cookie-value' \(Self.token)"
        assertClean(Redaction.redactText(mixed))
    }
}
