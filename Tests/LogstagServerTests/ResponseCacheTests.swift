import Foundation
import Testing

@testable import LogstagServer

@Suite("Response cache (the Overview's 30 seconds, then 5 stale minutes while it is recomputed)")
struct ResponseCacheTests {
    struct Failure: Error {}
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("Within the TTL the stored answer is returned; after it, a new one is computed")
    func ttl() throws {
        let cache = ResponseCache(ttl: 30)
        var computed = 0
        func ask(_ at: TimeInterval) throws -> Int {
            try cache.value(for: "org|all|1h", now: start + at) { computed += 1; return ["n": computed] }["n"] as! Int
        }
        #expect(try ask(0) == 1)
        #expect(try ask(29.9) == 1)
        #expect(try ask(30) == 2)
        #expect(try ask(45) == 2)
        // A clock that went backwards never serves an answer from "the future".
        #expect(try ask(10) == 3)
        #expect(computed == 3)
    }

    @Test("Keys are separate (organisation, filter, window) and errors are not cached")
    func keysAndErrors() throws {
        let cache = ResponseCache(ttl: 30)
        _ = try cache.value(for: "a|all|1h", now: start) { ["org": "a"] }
        let other = try cache.value(for: "b|all|1h", now: start) { ["org": "b"] }
        #expect(other["org"] as? String == "b")
        #expect(throws: Failure.self) { try cache.value(for: "a|all|7d", now: start) { throw Failure() } }
        let retried = try cache.value(for: "a|all|7d", now: start) { ["ok": true] }
        #expect(retried["ok"] as? Bool == true)
    }

    @Test("At most `capacity` entries: expired first, then the oldest")
    func capacity() throws {
        let cache = ResponseCache(ttl: 30, capacity: 3)
        for number in 0..<3 { _ = try cache.value(for: "k\(number)", now: start + Double(number)) { [:] } }
        _ = try cache.value(for: "k3", now: start + 40) { [:] }   // k0..k2 expired by now
        #expect(cache.count == 1)
        for number in 4..<8 { _ = try cache.value(for: "k\(number)", now: start + 40 + Double(number)) { [:] } }
        #expect(cache.count == 3)
        var recomputed = false
        _ = try cache.value(for: "k7", now: start + 50) { recomputed = true; return [:] }
        #expect(!recomputed, "the newest entry survives eviction")
    }

    @Test("After the TTL and within staleFor the stored answer comes back at once and is recomputed in the background")
    func staleWhileRevalidate() throws {
        let cache = ResponseCache(ttl: 30, staleFor: 300)
        let counter = Counter()
        func ask(_ at: TimeInterval) throws -> Int {
            try cache.value(for: "org|all|24h", now: start + at) { ["n": counter.next()] }["n"] as! Int
        }
        #expect(try ask(0) == 1)
        #expect(try ask(100) == 1, "stale: served at once")
        cache.refreshes.wait()
        #expect(counter.value == 2, "and recomputed once in the background")
        #expect(try ask(110) == 2, "the refreshed answer, fresh again")
        #expect(counter.value == 2)
        // Too old to serve: computed while the caller waits.
        #expect(try ask(110 + 30 + 300) == 3)
        cache.refreshes.wait()
        #expect(counter.value == 3)
    }

    @Test("One background refresh per key at a time; a failed refresh keeps the stored answer")
    func singleRefresh() throws {
        let cache = ResponseCache(ttl: 30, staleFor: 300)
        let gate = DispatchSemaphore(value: 0)
        let counter = Counter()
        _ = try cache.value(for: "k", now: start) { ["n": counter.next()] }
        for at in [40.0, 41, 42] {
            let answer = try cache.value(for: "k", now: start + at) {
                gate.wait()
                _ = counter.next()
                throw Failure()
            }
            #expect(answer["n"] as? Int == 1)
        }
        gate.signal()
        cache.refreshes.wait()
        #expect(counter.value == 2, "three stale reads started one refresh")
        let after = try cache.value(for: "k", now: start + 50) { ["n": counter.next()] }
        #expect(after["n"] as? Int == 1, "the failed refresh left the stored answer in place")
        cache.refreshes.wait()
        #expect(counter.value == 3)
    }
}

/// A thread-safe counter: background refreshes run on another thread.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func next() -> Int { lock.withLock { count += 1; return count } }
}
