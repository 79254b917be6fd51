import Foundation
import Testing
import LogstagCore

struct JSONShapeTests {
    func nested(_ depth: Int) -> Data {
        Data((String(repeating: "[", count: depth) + String(repeating: "]", count: depth)).utf8)
    }

    @Test func depthLimitIsInclusive() throws {
        try JSONShape.check(nested(32), maxDepth: 32)
        #expect {
            try JSONShape.check(nested(33), maxDepth: 32)
        } throws: { error in
            (error as? ValidationError)?.code == "too_deep"
        }
    }

    @Test func objectsCountToo() {
        let deep = String(repeating: #"{"a":"#, count: 5) + "1" + String(repeating: "}", count: 5)
        #expect(throws: ValidationError.self) { try JSONShape.check(Data(deep.utf8), maxDepth: 4) }
    }

    @Test func bracketsInsideStringsAreIgnored() throws {
        try JSONShape.check(Data(#"{"a":"[[[[{{{{","b":"\"[[[[\\"}"#.utf8), maxDepth: 1)
        // After an escaped backslash the quote closes the string, so the brackets count.
        #expect(throws: ValidationError.self) { try JSONShape.check(Data(#"["\\",[[]]]"#.utf8), maxDepth: 2) }
    }

    @Test func siblingsDoNotAccumulate() throws {
        try JSONShape.check(Data(String(repeating: "[[]],", count: 1000).utf8), maxDepth: 2)
    }

    @Test func fixturesPass() throws {
        try JSONShape.check(Fixture.data("ingest-batch-v1.json"), maxDepth: WireLimits.maxDepth)
    }
}
