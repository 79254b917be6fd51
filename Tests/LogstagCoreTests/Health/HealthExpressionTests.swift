import Foundation
import Testing
import LogstagCore

struct HealthExpressionTests {
    static let now = Date(timeIntervalSince1970: 1_750_000_000)

    func value(
        _ text: String, row: [String: JSONValue] = [:], bound: JSONValue = .null, rowSignal: String? = nil,
        signals: [ObservedSignal] = [], settings: HealthSettingsSource? = nil
    ) throws -> JSONValue {
        let expression = try HealthExpression.parse(text, bindsValue: bound != .null)
        let evaluator = HealthExpressionEvaluator(
            snapshot: HealthSnapshot(signals, now: Self.now, windowStart: Self.now - 3600), settings: settings)
        return evaluator.evaluate(expression, row: row, rowSignal: rowSignal, value: bound)
    }

    @Test func precedenceFollowsTheReadme() throws {
        #expect(try value("1 + 2 * 3") == 7)
        #expect(try value("(1 + 2) * 3") == 9)
        #expect(try value("10 - 4 - 3") == 3)
        #expect(try value("-2 * 3") == -6)
        #expect(try value("- x * 3", row: ["x": 2]) == -6)
        #expect(try value("7 % 4 + 1") == 4)
        #expect(try value("1 + 1 == 2") == true)
        #expect(try value("'a' || 1 + 2") == "a3")
        #expect(try value("'ab' || 'c' == 'abc'") == true)
        #expect(try value("true or false and false") == true)
        #expect(try value("(true or false) and false") == false)
        #expect(try value("not 1 == 2") == true)
        #expect(try value("not true or true") == true)
        #expect(try value("not (true or true)") == false)
    }

    @Test func parsedTreeShowsGrouping() throws {
        #expect(try HealthExpression.parse("a or b and c") == .binary(.or, .column("a"), .binary(.and, .column("b"), .column("c"))))
        #expect(try HealthExpression.parse("not a == 1") == .not(.binary(.equal, .column("a"), .literal(1))))
        #expect(try HealthExpression.parse("value > 1", bindsValue: true) == .binary(.greater, .measured, .literal(1)))
        #expect(try HealthExpression.parse("value > 1") == .binary(.greater, .column("value"), .literal(1)))
    }

    @Test func literals() throws {
        #expect(try value("'it''s'") == "it's")
        #expect(try value("1.5") == 1.5)
        #expect(try value("null") == .null)
        #expect(try value("TRUE") == true)
        #expect(try value("missing") == .null)
    }

    @Test func nullRules() throws {
        #expect(try value("x + 1") == .null)
        #expect(try value("x * 2") == .null)
        #expect(try value("-x") == .null)
        #expect(try value("x > 1") == false)
        #expect(try value("x < 1") == false)
        #expect(try value("x == 1") == false)
        #expect(try value("x != 1") == false)
        #expect(try value("x == y") == false)
        #expect(try value("x != y") == false)
        #expect(try value("3 != null") == true)
        #expect(try value("null == null") == true)
        #expect(try value("x == null") == true)
        #expect(try value("x != null") == false)
        #expect(try value("1 == null") == false)
        #expect(try value("1 != null") == true)
        #expect(try value("not x") == true)
        #expect(try value("x and true") == false)
        #expect(try value("x or true") == true)
        #expect(try value("1 / 0") == .null)
        #expect(try value("5 % 0") == .null)
        #expect(try value("'db.' || x") == "db.")
    }

    @Test func textAndNumbersCompare() throws {
        #expect(try value("'8192' > 100") == true)
        #expect(try value("s > 100", row: ["s": "99"]) == false)
        #expect(try value("'8192' == 8192") == true)
        #expect(try value("'abc' > 1") == false)
        #expect(try value("'b' > 'a'") == true)
        #expect(try value("'10' > '9'") == true)
        #expect(try value("setting * 2", row: ["setting": "64"]) == 128)
        #expect(try value("flag == 'true'", row: ["flag": true]) == true)
    }

    @Test func boundValueInConditions() throws {
        #expect(try value("value == 'off'", bound: "off") == true)
        #expect(try value("value > 80 and value <= 90", bound: 85) == true)
        #expect(try value("value > 80 and value <= 90", bound: 95) == false)
    }

    @Test func rowLocalFunctions() throws {
        #expect(try value("number('42')") == 42)
        #expect(try value("number('4x')") == .null)
        #expect(try value("number(7)") == 7)
        #expect(try value("coalesce(x, y, 3, 4)") == 3)
        #expect(try value("coalesce(x, y)") == .null)
        #expect(try value("greatest(1, x, 5, 3)") == 5)
        #expect(try value("least(4, x, 2, 3)") == 2)
        #expect(try value("greatest(x, y)") == .null)
        #expect(try value("abs(-3.5)") == 3.5)
        #expect(try value("round(2.5)") == 3)
        #expect(try value("round(3.14159, 2)") == 3.14)
        #expect(try value("round(x)") == .null)
        #expect(try value("lower('AbC')") == "abc")
        #expect(try value("contains('shared_preload', 'pre')") == true)
        #expect(try value("contains('abc', 'z')") == false)
        #expect(try value("contains(x, 'z')") == .null)
        #expect(try value("starts_with('pg_catalog', 'pg_')") == true)
        #expect(try value("starts_with('public', 'pg_')") == false)
        #expect(try value("in(policy, 'allkeys-lru', 'volatile-lru')", row: ["policy": "volatile-lru"]) == true)
        #expect(try value("in(policy, 'allkeys-lru')", row: ["policy": "noeviction"]) == false)
        #expect(try value("in(x, null)") == false)
        #expect(try value("in(2, '1', '2')") == true)
    }

    @Test func versionComparison() throws {
        #expect(try value("version_lt('7.0.15', '7.2')") == true)
        #expect(try value("version_lt('7.2', '7.2.0')") == false)
        #expect(try value("version_lt('7.10', '7.9')") == false)
        #expect(try value("version_lt('16.2 (Debian 16.2-1)', '16.3')") == true)
        #expect(try value("version_lt(x, '1')") == .null)
    }

    @Test func bytesWithPostgresUnits() throws {
        #expect(try value("bytes('16384', '8kB')") == 134_217_728)
        #expect(try value("bytes(4096, 'kB')") == 4_194_304)
        #expect(try value("bytes('64', 'MB')") == 67_108_864)
        #expect(try value("bytes('1', 'GB')") == 1_073_741_824)
        #expect(try value("bytes('100', '')") == 100)
        #expect(try value("bytes('100', 'ms')") == .null)
        #expect(try value("bytes(x, 'kB')") == .null)
    }

    @Test func secondsSinceTimestamp() throws {
        let tenMinutesAgo = WireDate.format(Self.now - 600)
        #expect(try value("seconds_since(last_vacuum)", row: ["last_vacuum": .string(tenMinutesAgo)]) == 600)
        #expect(try value("seconds_since('last_vacuum')", row: ["last_vacuum": .string(tenMinutesAgo)]) == 600)
        #expect(try value("seconds_since(last_vacuum)", row: ["last_vacuum": .null]) == .null)
        #expect(try value("seconds_since(t)", row: ["t": "yesterday"]) == .null)
    }

    @Test func settingReadsTheSettingsSignal() throws {
        let settings = ObservedSignal(
            name: "pg_settings", collectedAt: Self.now,
            rows: [["name": "fsync", "setting": "off"], ["name": "shared_buffers", "setting": "16384"]])
        let source = HealthSettingsSource(signal: "pg_settings", nameColumn: "name", valueColumn: "setting")
        #expect(try value("setting('fsync')", signals: [settings], settings: source) == "off")
        #expect(try value("setting('shared_buffers') > 1000", signals: [settings], settings: source) == true)
        #expect(try value("setting('absent')", signals: [settings], settings: source) == .null)
        #expect(try value("setting('fsync')", signals: [settings]) == .null)
    }

    static let tables = ObservedSignal(
        name: "pg_tables", collectedAt: now,
        rows: [
            ["tag_table": "a", "size": 100, "dead": 10, "kind": "r"],
            ["tag_table": "b", "size": 300, "dead": 0, "kind": "r"],
            ["tag_table": "c", "size": 50, "dead": .null, "kind": "p"],
        ],
        baseline: [["tag_table": "a", "dead": 4], ["tag_table": "b", "dead": 7]], baselineAt: now - 100)

    @Test func aggregatesOverAnotherSignal() throws {
        let signals = [Self.tables]
        #expect(try value("count('pg_tables')", signals: signals) == 3)
        #expect(try value("count('pg_tables', 'kind == ''r''')", signals: signals) == 2)
        #expect(try value("sum('pg_tables', 'size')", signals: signals) == 450)
        #expect(try value("sum('pg_tables', 'size', 'size > 60')", signals: signals) == 400)
        #expect(try value("max('pg_tables', 'size')", signals: signals) == 300)
        #expect(try value("min('pg_tables', 'size', 'kind == ''r''')", signals: signals) == 100)
        #expect(try value("max('pg_tables', 'size', 'size > 1000')", signals: signals) == .null)
        #expect(try value("count('pg_absent')", signals: signals) == 0)
        #expect(try value("first('pg_tables', 'tag_table')", signals: signals) == "a")
        #expect(try value("lookup('pg_tables', 'tag_table', 'b', 'size')", signals: signals) == 300)
        #expect(try value("lookup('pg_tables', 'tag_table', name, 'size')", row: ["name": "c"], signals: signals) == 50)
        #expect(try value("lookup('pg_tables', 'size', '300', 'tag_table')", signals: signals) == "b")
        #expect(try value("lookup('pg_tables', 'tag_table', 'zz', 'size')", signals: signals) == .null)
    }

    @Test func unavailableSignalsAreNotRead() throws {
        var tables = Self.tables
        tables.status = .unavailable
        tables.reason = .permission
        #expect(try value("count('pg_tables')", signals: [tables]) == 0)
        #expect(try value("first('pg_tables', 'tag_table')", signals: [tables]) == .null)
    }

    @Test func deltaAndRateAgainstTheBaseline() throws {
        let signals = [Self.tables]
        let rowA = Self.tables.rows[0]
        let rowB = Self.tables.rows[1]
        let rowC = Self.tables.rows[2]
        #expect(try value("delta(dead)", row: rowA, rowSignal: "pg_tables", signals: signals) == 6)
        #expect(try value("delta('dead')", row: rowA, rowSignal: "pg_tables", signals: signals) == 6)
        #expect(try value("rate(dead)", row: rowA, rowSignal: "pg_tables", signals: signals) == 0.06)
        // The counter went backwards (reset): the latest value is the growth since the reset.
        #expect(try value("delta(dead)", row: rowB, rowSignal: "pg_tables", signals: signals) == 0)
        let resetRow: [String: JSONValue] = ["tag_table": "b", "dead": 3]
        #expect(try value("delta(dead)", row: resetRow, rowSignal: "pg_tables", signals: signals) == 3)
        // No baseline row with the same tags: null.
        #expect(try value("delta(dead)", row: rowC, rowSignal: "pg_tables", signals: signals) == .null)
        #expect(try value("delta(dead)", row: ["tag_table": "new", "dead": 5], rowSignal: "pg_tables", signals: signals) == .null)
        // Instance-level expressions have no row to compare.
        #expect(try value("delta(dead)", row: rowA, signals: signals) == .null)
        var withoutBaseline = Self.tables
        withoutBaseline.baseline = nil
        withoutBaseline.baselineAt = nil
        #expect(try value("delta(dead)", row: rowA, rowSignal: "pg_tables", signals: [withoutBaseline]) == .null)
        #expect(try value("rate(dead)", row: rowA, rowSignal: "pg_tables", signals: [withoutBaseline]) == .null)
    }

    @Test func sumDeltaOverRows() throws {
        #expect(try value("sum_delta('pg_tables', 'dead')", signals: [Self.tables]) == 6)
        #expect(try value("sum_delta('pg_tables', 'dead', 'tag_table == ''b''')", signals: [Self.tables]) == 0)
        #expect(try value("sum_delta('pg_tables', 'dead', 'tag_table == ''c''')", signals: [Self.tables]) == .null)
        var withoutBaseline = Self.tables
        withoutBaseline.baseline = nil
        #expect(try value("sum_delta('pg_tables', 'dead')", signals: [withoutBaseline]) == .null)
    }

    @Test func signalsReadAndBaselineUse() throws {
        let expression = try HealthExpression.parse("count('a') + lookup('b', 'x', 1, 'y') + first('c', 'z') + delta(n)")
        #expect(expression.signalsRead == ["a", "b", "c"])
        #expect(expression.usesBaseline)
        #expect(try HealthExpression.parse("sum_delta('a', 'n')").usesBaseline)
        #expect(try !HealthExpression.parse("sum('a', 'n')").usesBaseline)
    }

    @Test func errorsNamePositionAndToken() {
        let cases: [(String, Int, String, String)] = [
            ("1 +", 4, "end of expression", "expected a value"),
            ("a = 1", 3, "=", "write =="),
            ("(a + 1", 7, "end of expression", "expected \")\""),
            ("a b", 3, "b", "expected an operator"),
            ("'open", 1, "'open", "not closed"),
            ("frobnicate(1)", 1, "frobnicate", "unknown function frobnicate"),
            ("round(1, 2, 3)", 1, "round", "round takes 1 or 2 arguments, not 3"),
            ("count(tbl)", 7, "tbl", "argument 1 of count must be the signal name"),
            ("count('t', 'a ==')", 12, "'a =='", "the condition of count does not parse"),
            ("delta(1 + 2)", 7, "1", "must be a column name"),
            ("1 + * 2", 5, "*", "expected a value"),
            ("", 1, "end of expression", "empty"),
            ("x == \"a\"", 6, "\"", "single quotes"),
            ("2abc", 1, "2a", "cannot start with a digit"),
        ]
        for (text, position, token, message) in cases {
            do {
                _ = try HealthExpression.parse(text)
                Issue.record("\(text) parsed")
            } catch {
                #expect(error.position == position, "\(text): \(error)")
                #expect(error.token == token, "\(text): \(error)")
                #expect(error.description.contains(message), "\(text): \(error)")
            }
        }
    }
}
