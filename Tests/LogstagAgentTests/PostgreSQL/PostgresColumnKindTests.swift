import LogstagCore
import Testing

@testable import LogstagAgent

@Suite("PostgreSQL column kinds")
struct PostgresColumnKindTests {
    @Test("numbers, booleans, strings and NULL convert by kind")
    func basicKinds() {
        #expect(PostgresColumnKind.gauge.value(fromText: "42") == .number(42))
        #expect(PostgresColumnKind.counter.value(fromText: "12345678901") == .number(12_345_678_901))
        #expect(PostgresColumnKind.gauge.value(fromText: "-3.5") == .number(-3.5))
        #expect(PostgresColumnKind.gauge.value(fromText: "NaN") == .null)
        #expect(PostgresColumnKind.gauge.value(fromText: "Infinity") == .null)
        #expect(PostgresColumnKind.bool.value(fromText: "t") == .bool(true))
        #expect(PostgresColumnKind.bool.value(fromText: "f") == .bool(false))
        #expect(PostgresColumnKind.bool.value(fromText: "on") == .bool(true))
        #expect(PostgresColumnKind.label.value(fromText: "postgres") == .string("postgres"))
        #expect(PostgresColumnKind.text.value(fromText: "") == .string(""))
        for kind in PostgresColumnKind.allCases {
            #expect(kind.value(fromText: nil) == .null)
        }
    }

    @Test("a value that does not parse as its kind is kept as text, never zeroed")
    func unparsable() {
        #expect(PostgresColumnKind.gauge.value(fromText: "12 kB") == .string("12 kB"))
        #expect(PostgresColumnKind.bool.value(fromText: "maybe") == .string("maybe"))
    }

    @Test("timestamps in PostgreSQL ISO output become wire timestamps in UTC")
    func timestamps() {
        #expect(PostgresColumnKind.timestamp.value(fromText: "2025-06-01 12:30:05.250123+00") == .string("2025-06-01T12:30:05.250Z"))
        #expect(PostgresColumnKind.timestamp.value(fromText: "2025-06-01 12:30:05+00") == .string("2025-06-01T12:30:05.000Z"))
        #expect(PostgresColumnKind.timestamp.value(fromText: "2025-06-01 14:30:05+02") == .string("2025-06-01T12:30:05.000Z"))
        #expect(PostgresColumnKind.timestamp.value(fromText: "2025-06-01 18:00:05+05:30") == .string("2025-06-01T12:30:05.000Z"))
        #expect(PostgresColumnKind.timestamp.value(fromText: "infinity") == .null)
        #expect(PostgresColumnKind.timestamp.value(fromText: "-infinity") == .null)
    }
}
