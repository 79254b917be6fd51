import Foundation
import Testing
import LogstagCore

struct JSONValueTests {
    func decode(_ json: String) throws -> JSONValue {
        try WireCoding.decoder().decode(JSONValue.self, from: Data(json.utf8))
    }

    @Test func boolsStayBoolsAndNumbersStayNumbers() throws {
        #expect(try decode("true") == .bool(true))
        #expect(try decode("1") == .number(1))
        #expect(try decode("0") == .number(0))
        #expect(try decode("false") == .bool(false))
    }

    @Test func decodesEveryKind() throws {
        #expect(try decode(#"{"a":[null,1.5,"x",{"b":false}]}"#) == .object(["a": .array([.null, .number(1.5), .string("x"), .object(["b": .bool(false)])])]))
    }

    @Test func accessors() {
        #expect(JSONValue.number(2.5).doubleValue == 2.5)
        #expect(JSONValue.string("2.5").doubleValue == nil)
        #expect(JSONValue.string("x").stringValue == "x")
        #expect(JSONValue.number(1).stringValue == nil)
        #expect(JSONValue.bool(true).doubleValue == nil)
    }

    @Test func encodesCompactly() throws {
        let value: JSONValue = ["n": 52341, "f": 0.25, "s": "a/b", "z": nil, "b": true, "l": [1, 2]]
        let json = String(decoding: try WireCoding.encoder().encode(value), as: UTF8.self)
        #expect(json == #"{"b":true,"f":0.25,"l":[1,2],"n":52341,"s":"a/b","z":null}"#)
    }
}

@Suite("JSON text written directly")
struct JSONValueTextTests {
    func encoderText(_ value: some Encodable) throws -> String {
        String(decoding: try WireCoding.encoder().encode(value), as: UTF8.self)
    }

    @Test("Every health fixture (all signals' rows) is written exactly as JSONEncoder writes it")
    func sameAsEncoderOnFixtures() throws {
        var compared = 0
        for name in ["postgresql", "redis"] {
            let cases = try WireCoding.decoder().decode(JSONValue.self, from: Fixture.data("health/\(name).json"))
            #expect(cases.jsonText == (try encoderText(cases)))
            guard case .object(let rules) = cases else { Issue.record("\(name): not an object"); continue }
            for case .object(let rule) in rules.values {
                for case .object(let example) in rule.values {
                    guard case .object(let signals)? = example["signals"] else { continue }
                    for case .array(let rows) in signals.values {
                        let objects = rows.compactMap { row -> [String: JSONValue]? in if case .object(let o) = row { o } else { nil } }
                        #expect(JSONValue.jsonText(rows: objects) == (try encoderText(objects)))
                        compared += 1
                    }
                }
            }
        }
        #expect(compared > 100)
    }

    @Test("Edge cases: escapes, unicode, slashes, integral and fractional, tiny and huge numbers, empty containers")
    func edgeCases() throws {
        let strings = ["", "plain", "quote \" and backslash \\", "a/b", "line\nfeed\r\ttab", "\u{01}\u{1F}\u{08}\u{0C}", "é 東京 🐘", "</script>"]
        let numbers: [Double] = [0, 1, -1, 52341, 0.25, -3.5, 1e-7, 123.456, 1e15, 9_007_199_254_740_991, 1e20, -1e300, 5e-324, .pi]
        var values: [JSONValue] = strings.map { .string($0) } + numbers.map { .number($0) }
        values += [.null, .bool(true), .bool(false), .array([]), .object([:]), ["k": ["nested": [1, "x", nil]], "a": []]]
        for value in values {
            #expect(value.jsonText == (try encoderText(value)), "\(value)")
            #expect(try WireCoding.decoder().decode(JSONValue.self, from: Data(value.jsonText.utf8)) == value, "\(value)")
        }
        #expect(JSONValue.jsonText(rows: []) == "[]")
        #expect(JSONValue.jsonText(rows: [["b": 1, "a": "x"], [:]]) == #"[{"a":"x","b":1},{}]"#)
    }

    @Test("Numbers JSON cannot hold are written as null instead of failing the batch")
    func nonFiniteIsNull() {
        #expect(JSONValue.number(.nan).jsonText == "null")
        #expect(JSONValue.jsonText(rows: [["x": .number(.infinity)]]) == #"[{"x":null}]"#)
    }
}
