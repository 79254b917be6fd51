import Testing

@testable import LogstagAgent

@Suite("One INFO call per tier")
struct RedisInfoPrefetchTests {
    @Test("A multi-section INFO reply splits into the replies of the single-section calls")
    func split() {
        let text = "# Clients\r\nconnected_clients:3\r\nblocked_clients:0\r\n\r\n# Keyspace\r\n\r\n# Commandstats\r\ncmdstat_get:calls=2,usec=5\r\n"
        let replies = RedisInfoPrefetch.split(text)
        #expect(replies["clients"] == .string("# Clients\r\nconnected_clients:3\r\nblocked_clients:0\r\n"))
        #expect(replies["keyspace"] == .string("# Keyspace\r\n"))
        #expect(replies["commandstats"] == .string("# Commandstats\r\ncmdstat_get:calls=2,usec=5\r\n"))
        #expect(replies.count == 3)
    }

    @Test("Only signals whose command is exactly INFO <section> are prefetched, each section once")
    func sections() {
        #expect(RedisInfoPrefetch.section(of: ["INFO", "Stats"]) == "stats")
        #expect(RedisInfoPrefetch.section(of: ["INFO"]) == nil)
        #expect(RedisInfoPrefetch.section(of: ["CONFIG", "GET", "maxmemory"]) == nil)
    }
}
