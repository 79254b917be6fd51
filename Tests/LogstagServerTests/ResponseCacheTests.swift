import Foundation
import Testing

@testable import LogstagServer

@Suite("Response cache (the Overview's 30 seconds)")
struct ResponseCacheTests {
    struct Failure: Error {}
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("Within the TTL the stored answer is returned; after it, a new one is computed")
    func ttl() throws {
        let cache = ResponseCache(ttl: 30)
        var computed = 0
        func ask(_ at: TimeInterval) -> Int {
            cache.value(for: "org|all|1h", now: start + at) { computed += 1; return ["n": computed] }["n"] as! Int
        }
        #expect(ask(0) == 1)
        #expect(ask(29.9) == 1)
        #expect(ask(30) == 2)
        #expect(ask(45) == 2)
        // A clock that went backwards never serves an answer from "the future".
        #expect(ask(10) == 3)
        #expect(computed == 3)
    }

    @Test("Keys are separate (organisation, filter, window) and errors are not cached")
    func keysAndErrors() throws {
        let cache = ResponseCache(ttl: 30)
        _ = cache.value(for: "a|all|1h", now: start) { ["org": "a"] }
        let other = cache.value(for: "b|all|1h", now: start) { ["org": "b"] }
        #expect(other["org"] as? String == "b")
        #expect(throws: Failure.self) { try cache.value(for: "a|all|7d", now: start) { throw Failure() } }
        let retried = cache.value(for: "a|all|7d", now: start) { ["ok": true] }
        #expect(retried["ok"] as? Bool == true)
    }

    @Test("At most `capacity` entries: expired first, then the oldest")
    func capacity() {
        let cache = ResponseCache(ttl: 30, capacity: 3)
        for number in 0..<3 { _ = cache.value(for: "k\(number)", now: start + Double(number)) { [:] } }
        _ = cache.value(for: "k3", now: start + 40) { [:] }   // k0..k2 expired by now
        #expect(cache.count == 1)
        for number in 4..<8 { _ = cache.value(for: "k\(number)", now: start + 40 + Double(number)) { [:] } }
        #expect(cache.count == 3)
        var recomputed = false
        _ = cache.value(for: "k7", now: start + 50) { recomputed = true; return [:] }
        #expect(!recomputed, "the newest entry survives eviction")
    }
}
