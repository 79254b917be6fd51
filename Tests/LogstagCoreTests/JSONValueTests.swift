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
