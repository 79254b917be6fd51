import Foundation
import Testing

@testable import LogstagServer

@Suite("Explorer JSON writer")
struct ExplorerJSONTests {
    /// What the explorers put in their answers, nested as they nest it.
    static func sample() -> [String: Any] { [
        "id": "latency", "count": 3, "ratio": 0.25, "big": Int64(9_007_199_254_740_000), "small": Int32(-7), "float": Float(1.5),
        "on": true, "off": false, "none": NSNull(), "missing": Optional<String>.none as Any, "present": Optional("x") as Any,
        "text": "quote \" backslash \\ newline \n tab \t é 漢 \u{01}",
        "series": [["name": "Average", "points": [["time": "2026-11-22T10:00:00Z", "value": 12.5], ["time": "2026-11-22T10:10:00Z", "value": 0]]]],
        "mixed": [1, "two", 3.5, false, NSNull(), ["k": "v"]] as [Any],
        "empty_object": [String: Any](), "empty_array": [Any](),
        "parsed": try! JSONSerialization.jsonObject(with: Data(#"{"flag": true, "one": 1, "half": 0.5}"#.utf8)),
    ] }

    @Test("Reads back as the same value JSONSerialization writes, keys sorted")
    func sameAsFoundation() throws {
        let ours = try ExplorerJSON.data(Self.sample())
        let theirs = try JSONSerialization.data(withJSONObject: Self.sample().mapValues { value -> Any in
            // Foundation cannot write an Optional: give it what ours writes for one.
            let mirror = Mirror(reflecting: value)
            guard mirror.displayStyle == .optional else { return value }
            return mirror.children.first?.value ?? NSNull()
        }, options: [.sortedKeys])
        let ourValue = try JSONSerialization.jsonObject(with: ours) as! NSDictionary
        let theirValue = try JSONSerialization.jsonObject(with: theirs) as! NSDictionary
        #expect(ourValue == theirValue)
        let text = String(decoding: ours, as: UTF8.self)
        #expect(text.hasPrefix(#"{"big":9007199254740000,"count":3,"empty_array":[],"empty_object":{},"float":1.5,"id":"latency","missing":null,"#))
        #expect(text.contains(#""on":true,"parsed":{"flag":true,"half":0.5,"one":1},"present":"x","ratio":0.25,"#))
        #expect(text.contains(#""mixed":[1,"two",3.5,false,null,{"k":"v"}]"#))
        #expect(text.contains(#""text":"quote \" backslash \\ newline \n tab \t é 漢 \u0001""#))
    }

    @Test("A value JSON cannot hold is refused, not written")
    func refusesUnknownTypes() {
        #expect(throws: ExplorerJSON.Unsupported.self) { try ExplorerJSON.data(["when": Date()]) }
        #expect(throws: ExplorerJSON.Unsupported.self) { try ExplorerJSON.data(["nested": [["when": Date()]]]) }
    }
}
