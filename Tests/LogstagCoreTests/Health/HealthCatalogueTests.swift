import Testing
import LogstagCore

struct HealthCatalogueTests {
    static let header = """
        [catalogue]
        engines = ["postgresql"]
        version = 3
        tabs = ["Configuration", "Maintenance"]
        tiers = ["low", "schema"]
        settings_signal = "pg_settings"
        settings_name = "name"
        settings_value = "setting"

        """

    static let valid = header + """
        [charts.sessions]
        title = "Active sessions"
        metric = "pg_sessions.sessions"
        filter = "state=active"
        kind = "gauge"
        unit = "count"

        [scope.tables]
        signal = "pg_tables"
        kind = "table"
        name = "tag_schema || '.' || tag_table"

        [rules.fsync_off]
        tab = "Configuration"
        title = "fsync is off"
        signals = ["pg_settings"]
        scope = "setting"
        rows = "pg_settings"
        where = "name == 'fsync'"
        value = "setting"
        critical_when = "value == 'off'"
        unit = "text"
        show = ["name", "setting"]
        insight = "Crash safety."
        actions = ["ALTER SYSTEM SET fsync = on;"]
        effort_days = 0.25

        [rules.dead_tuples]
        tab = "Maintenance"
        title = "Dead tuples"
        signals = ["pg_tables", "pg_settings"]
        scope = "table"
        value = "sum('pg_tables', 'n_dead_tup', 'n_dead_tup > 0')"
        attention_above = 1000
        critical_above = 10000.5
        unit = "count"
        result = "{value} dead tuples"
        insight = "Bloat."
        actions = []
        effort_days = 1
        recommendation = "optimization"
        """

    @Test func parsesAValidCatalogue() throws {
        let catalogue = try HealthCatalogue.parse(Self.valid)
        #expect(catalogue.engines == [.postgresql])
        #expect(catalogue.version == 3)
        #expect(catalogue.tabs == [.configuration, .maintenance])
        #expect(catalogue.tiers == [.low, .schema])
        #expect(catalogue.settings == HealthSettingsSource(signal: "pg_settings", nameColumn: "name", valueColumn: "setting"))
        #expect(catalogue.charts.map(\.id) == ["sessions"])
        #expect(catalogue.charts[0].signal == "pg_sessions")
        #expect(catalogue.charts[0].column == "sessions")
        #expect(catalogue.charts[0].filterTag?.name == "state")
        #expect(catalogue.charts[0].filterTag?.value == "active")
        #expect(catalogue.scopes.map(\.kind) == ["table"])
        #expect(catalogue.rules.map(\.id) == ["fsync_off", "dead_tuples"])
        let fsync = try #require(catalogue.rule("fsync_off"))
        #expect(fsync.rows == "pg_settings")
        #expect(fsync.critical == .when(.binary(.equal, .measured, .literal("off")), source: "value == 'off'"))
        #expect(fsync.attention == nil)
        #expect(fsync.unit == .text)
        #expect(fsync.sort == .descending)
        #expect(fsync.whenEmpty == .healthy)
        #expect(fsync.line == Self.line(of: "[rules.fsync_off]", in: Self.valid))
        let dead = try #require(catalogue.rule("dead_tuples"))
        #expect(dead.attention == .above(1000))
        #expect(dead.critical == .above(10000.5))
        #expect(dead.recommendation == .optimization)
        #expect(dead.rows == nil)
        #expect(catalogue.signalNames == ["pg_sessions", "pg_settings", "pg_tables"])
    }

    /// The catalogue cut after the rule `fsync_off`, with one of its keys removed and/or a
    /// line appended (so an added key lands on the last line).
    static func fsyncRule(replacing key: String? = nil, with line: String? = nil) -> String {
        var lines = Self.valid.components(separatedBy: "\n").prefix { !$0.hasPrefix("[rules.dead_tuples]") }.map { $0 }
        while lines.last == "" { lines.removeLast() }
        let ruleStart = lines.firstIndex(of: "[rules.fsync_off]")!
        if let key { lines = lines.enumerated().filter { $0.offset <= ruleStart || !$0.element.hasPrefix(key + " =") }.map(\.element) }
        if let line { lines.append(line) }
        return lines.joined(separator: "\n")
    }

    /// The 1-based line of the first line starting with `prefix`.
    static func line(of prefix: String, in text: String) -> Int {
        text.components(separatedBy: "\n").firstIndex { $0.hasPrefix(prefix) }! + 1
    }

    static func error(_ text: String) -> HealthCatalogueError? {
        do {
            _ = try HealthCatalogue.parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func ruleErrorsNameLineRuleAndKey() throws {
        let ruleHeader = Self.line(of: "[rules.fsync_off]", in: Self.valid)
        let last = Self.fsyncRule().components(separatedBy: "\n").count  // a replaced key is appended last
        let appended = last + 1
        let cases: [(String, Int, String, String)] = [
            (Self.fsyncRule(with: "colour = \"red\""), appended, "colour", "unknown key \"colour\""),
            (Self.fsyncRule(replacing: "title"), ruleHeader, "title", "key \"title\" is missing"),
            (Self.fsyncRule(replacing: "value"), ruleHeader, "value", "key \"value\" is missing"),
            (Self.fsyncRule(replacing: "effort_days", with: "effort_days = \"soon\""), last, "effort_days", "expected a number"),
            (Self.fsyncRule(replacing: "signals", with: "signals = \"pg_settings\""), last, "signals", "expected an array of strings"),
            (Self.fsyncRule(replacing: "tab", with: "tab = \"Availability\""), last, "tab", "unknown value Availability"),
            (Self.fsyncRule(replacing: "tab", with: "tab = \"Security\""), last, "tab", "not one of the catalogue's tabs"),
            (Self.fsyncRule(replacing: "scope", with: "scope = \"galaxy\""), last, "scope", "unknown scope galaxy"),
            (Self.fsyncRule(replacing: "unit", with: "unit = \"furlongs\""), last, "unit", "unknown value furlongs"),
            (Self.fsyncRule(with: "critical_above = 3"), appended, "critical_above", "use one threshold form per level"),
            (Self.fsyncRule(replacing: "critical_when"), ruleHeader, "critical_when", "the rule has no threshold"),
            (Self.fsyncRule(replacing: "value", with: "value = \"setting +\""), last, "value", "position 10, at the end of the expression"),
            (Self.fsyncRule(with: "attention_when = \"value = 'x'\""), appended, "attention_when", "position 7, at \"=\""),
            (Self.fsyncRule(replacing: "rows", with: "rows = \"pg_tables\""), last, "rows", "must also be listed in signals"),
            (Self.fsyncRule(replacing: "value", with: "value = \"count('pg_roles')\""), last, "value", "reads signal pg_roles"),
            (Self.fsyncRule(with: "result = \"{worst} rows\""), appended, "result", "unknown placeholder {worst}"),
            (Self.fsyncRule(with: "recommendation = \"urgent\""), appended, "recommendation", "optimization or strategic"),
            (Self.fsyncRule(with: "when_empty = \"maybe\""), appended, "when_empty", "unknown value maybe"),
        ]
        for (text, line, key, message) in cases {
            let error = try #require(Self.error(text), "\(key) accepted")
            #expect(error.line == line, "\(error)")
            #expect(error.ruleID == "fsync_off", "\(error)")
            #expect(error.key == key, "\(error)")
            #expect(error.description.contains(message), "\(error)")
            #expect(error.description.contains("[rules.fsync_off]"), "\(error)")
        }
    }

    @Test func rowOnlyKeysNeedRows() throws {
        let text = Self.fsyncRule(replacing: "rows")
        let error = try #require(Self.error(text))
        #expect(error.key == "where")
        #expect(error.description.contains("only allowed in a row rule"))
    }

    @Test func catalogueAndTableErrors() throws {
        let cases: [(String, Int, String?, String)] = [
            (Self.valid.replacingOccurrences(of: "version = 3", with: "version = \"3\""), 3, "version", "expected an integer"),
            (Self.valid.replacingOccurrences(of: "engines = [\"postgresql\"]", with: "engines = [\"db2\"]"), 2, "engines", "unknown value db2"),
            (Self.valid.replacingOccurrences(of: "tiers = [\"low\", \"schema\"]", with: "tiers = [\"hourly\"]"), 5, "tiers", "unknown value hourly"),
            (Self.valid.replacingOccurrences(of: "tabs = [\"Configuration\", \"Maintenance\"]\n", with: ""), 1, "tabs", "key \"tabs\" is missing"),
            (Self.valid.replacingOccurrences(of: "settings_name = \"name\"\n", with: ""), 1, "settings_name", "is missing"),
            (Self.valid.replacingOccurrences(of: "metric = \"pg_sessions.sessions\"", with: "metric = \"sessions\""), Self.line(of: "metric", in: Self.valid), "metric", "<signal>.<column>"),
            (Self.valid.replacingOccurrences(of: "kind = \"gauge\"", with: "kind = \"histogram\""), Self.line(of: "kind = \"gauge", in: Self.valid), "kind", "unknown value histogram"),
            (Self.valid.replacingOccurrences(of: "name = \"tag_schema || '.' || tag_table\"", with: "name = \"tag_schema ||\""), Self.line(of: "name = \"tag_schema", in: Self.valid), "name", "does not parse"),
            ("[catalogue]\nengines = [\"redis\"]\nversion = 1\ntabs = [\"Performance\"]\ntiers = [\"high\"]\n", 1, nil, "no [rules.<id>] table"),
            ("stray = 1\n" + Self.valid, 1, "stray", "must be inside a table"),
            (Self.valid + "\n[extras]\na = 1\n", Self.valid.components(separatedBy: "\n").count + 1, nil, "unexpected table"),
            (Self.valid + "\n\n[rules.Bad-Id]\n", Self.valid.components(separatedBy: "\n").count + 2, nil, "snake_case"),
            ("[catalogue\n", 1, nil, "expected \"]\""),
        ]
        for (text, line, key, message) in cases {
            let error = try #require(Self.error(text), "\(message) accepted")
            #expect(error.line == line, "\(error)")
            #expect(error.key == key, "\(error)")
            #expect(error.description.contains(message), "\(error)")
        }
    }
}
