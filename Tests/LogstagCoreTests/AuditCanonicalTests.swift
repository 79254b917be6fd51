import Testing
import LogstagCore

struct AuditCanonicalTests {
    @Test func format() {
        #expect(AuditCanonical.canonicalLine(fields: [("org", "o1"), ("seq", "7")]) == "org=o1|seq=7")
        #expect(AuditCanonical.canonicalLine(fields: [("body", "a|b=c%d\ne\rf")]) == "body=a%7Cb%3Dc%25d%0Ae%0Df")
        #expect(AuditCanonical.canonicalLine(fields: []) == "")
    }

    @Test func separatorInsideAValueCannotForgeAField() {
        let honest = AuditCanonical.canonicalLine(fields: [("user", "alice"), ("role", "developer")])
        let forged = AuditCanonical.canonicalLine(fields: [("user", "alice|role=developer")])
        #expect(honest != forged)
        let escaped = AuditCanonical.canonicalLine(fields: [("a", "%7C")])
        #expect(escaped != AuditCanonical.canonicalLine(fields: [("a", "|")]))
    }

    /// Every list of one or two fields over a tricky alphabet maps to a distinct line.
    @Test func injectiveOverSmallAlphabet() {
        let alphabet = ["", "a", "|", "=", "%", "\n", "%7C", "a=|"]
        var seen: [String: String] = [:]
        var lists: [[(String, String)]] = []
        for k in alphabet { for v in alphabet { lists.append([(k, v)]) } }
        for k1 in ["a", "|"] { for v1 in alphabet { for k2 in ["a", "="] { for v2 in alphabet { lists.append([(k1, v1), (k2, v2)]) } } } }
        for list in lists {
            let line = AuditCanonical.canonicalLine(fields: list)
            let identity = list.map { "\($0.0.debugDescription):\($0.1.debugDescription)" }.joined(separator: ",")
            if let other = seen[line], other != identity {
                Issue.record("collision: \(identity) and \(other)")
            }
            seen[line] = identity
        }
        #expect(seen.count == lists.count)
    }
}
