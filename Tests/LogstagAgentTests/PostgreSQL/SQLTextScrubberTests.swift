import Testing

@testable import LogstagAgent

@Suite("SQL text scrubber")
struct SQLTextScrubberTests {
    @Test("plain string literals become placeholders, identifiers and parameters stay")
    func plainLiterals() {
        #expect(SQLTextScrubber.scrub("SELECT * FROM users WHERE email = 'a@b.c' AND id = $1")
            == "SELECT * FROM users WHERE email = ? AND id = $1")
        #expect(SQLTextScrubber.scrub("SELECT col1, t2.x3 FROM t2") == "SELECT col1, t2.x3 FROM t2")
    }

    @Test("doubled quotes stay inside the literal")
    func doubledQuotes() {
        #expect(SQLTextScrubber.scrub("SELECT 'it''s secret', 'x'") == "SELECT ?, ?")
        #expect(SQLTextScrubber.scrub("SELECT '''' || 'a'") == "SELECT ? || ?")
    }

    @Test("E'' strings honour backslash escapes, including an escaped quote")
    func escapeStrings() {
        #expect(SQLTextScrubber.scrub(#"SELECT E'\'', 'visible?'"#) == "SELECT ?, ?")
        #expect(SQLTextScrubber.scrub(#"SELECT e'a\\' , 'b'"#) == "SELECT ? , ?")
        #expect(SQLTextScrubber.scrub(#"SELECT E'don\'t leak' AS x"#) == "SELECT ? AS x")
    }

    @Test("backslashes in plain strings follow standard_conforming_strings")
    func standardConformingStrings() {
        // on (the default since 9.1): the backslash is an ordinary character.
        #expect(SQLTextScrubber.scrub(#"SELECT 'C:\', 'secret1'"#) == "SELECT ?, ?")
        // off: the backslash escapes the quote, so the literal runs on.
        let off = SQLTextScrubber.scrub(#"SELECT 'a\' secret2', 'b'"#, standardConformingStrings: false)
        #expect(off == "SELECT ?, ?")
        #expect(!off.contains("secret2"))
    }

    @Test("dollar-quoted bodies, tagged or not, are removed whole")
    func dollarQuotes() {
        #expect(SQLTextScrubber.scrub("DO $$ BEGIN PERFORM 'x'; RAISE NOTICE 'hunter2'; END $$") == "DO ?")
        #expect(SQLTextScrubber.scrub("SELECT $fn$ it's $$ nested $$ $fn$, 1") == "SELECT ?, ?")
        #expect(SQLTextScrubber.scrub("CREATE FUNCTION f() RETURNS int AS $body$ SELECT 42 $body$ LANGUAGE sql")
            == "CREATE FUNCTION f() RETURNS int AS ? LANGUAGE sql")
        // `$1` is a parameter, a `$` inside an identifier is part of it.
        #expect(SQLTextScrubber.scrub("SELECT a$b, $12 FROM t") == "SELECT a$b, $12 FROM t")
    }

    @Test("numbers become placeholders, digits inside identifiers do not")
    func numbers() {
        #expect(SQLTextScrubber.scrub("SELECT 42, 3.14, .5, 1e10, 2.5E-3, 0x1F FROM t1 LIMIT 10")
            == "SELECT ?, ?, ?, ?, ?, ? FROM t1 LIMIT ?")
        #expect(SQLTextScrubber.scrub("SELECT -7") == "SELECT -?")
    }

    @Test("comments are removed, and quotes inside them cannot derail the lexer")
    func comments() {
        #expect(SQLTextScrubber.scrub("SELECT 1 -- it's a 'comment' with secret\nFROM t") == "SELECT ? \nFROM t")
        #expect(SQLTextScrubber.scrub("SELECT /* outer /* inner ' */ still */ 'x'") == "SELECT  ?")
        #expect(SQLTextScrubber.scrub("SELECT '-- not a comment', 'x' /* a */") == "SELECT ?, ? ")
    }

    @Test("everything after PASSWORD is replaced, in any case and spelling")
    func password() {
        #expect(SQLTextScrubber.scrub("CREATE ROLE app LOGIN PASSWORD 'S3cr3t!' VALID UNTIL '2030-01-01'")
            == "CREATE ROLE app LOGIN PASSWORD ?")
        #expect(SQLTextScrubber.scrub("alter user bob with encrypted password 'md5abc'") == "alter user bob with encrypted password ?")
        #expect(SQLTextScrubber.scrub("ALTER ROLE x PASSWORD NULL") == "ALTER ROLE x PASSWORD ?")
        // A column merely containing the word is not cut.
        #expect(SQLTextScrubber.scrub("SELECT password_hash FROM t") == "SELECT password_hash FROM t")
    }

    @Test("special string prefixes: B'', X'', N'', U&''")
    func prefixedStrings() {
        #expect(SQLTextScrubber.scrub("SELECT B'1010', X'FF', N'name', U&'d\\0061t\\+000061'") == "SELECT ?, ?, ?, ?")
        #expect(SQLTextScrubber.scrub(#"SELECT U&"d\0061t" FROM t"#) == #"SELECT U&"d\0061t" FROM t"#)
    }

    @Test("quoted identifiers are kept, even with quotes and dollars inside")
    func quotedIdentifiers() {
        #expect(SQLTextScrubber.scrub(#"SELECT "weird ""name"" 'x'" FROM "t$1""#) == #"SELECT "weird ""name"" 'x'" FROM "t$1""#)
    }

    @Test("utility statements keep no literal: SET, COPY, user mappings, subscriptions")
    func utilityStatements() {
        #expect(SQLTextScrubber.scrub("SET app.token = 'tok_123'") == "SET app.token = ?")
        #expect(SQLTextScrubber.scrub("COPY t FROM '/srv/private.csv' WITH (FORMAT csv)") == "COPY t FROM ? WITH (FORMAT csv)")
        #expect(SQLTextScrubber.scrub("CREATE SUBSCRIPTION s CONNECTION 'host=db user=rep password=pw' PUBLICATION p")
            == "CREATE SUBSCRIPTION s CONNECTION ? PUBLICATION p")
    }

    @Test("a literal or comment cut off at the end (track_activity_query_size) hides the rest")
    func unterminated() {
        #expect(SQLTextScrubber.scrub("SELECT 'unterminated secret") == "SELECT ?")
        #expect(SQLTextScrubber.scrub("SELECT $$ open body secret") == "SELECT ?")
        #expect(SQLTextScrubber.scrub("SELECT 1 /* open comment 'x") == "SELECT ? ")
        #expect(SQLTextScrubber.scrub(#"SELECT E'ends in backslash \"#) == "SELECT ?")
    }

    @Test("output is at most 4 KB, cut on a character boundary")
    func truncation() {
        let long = "SELECT " + String(repeating: "é", count: 5000)
        let result = SQLTextScrubber.scrub(long)
        #expect(result.utf8.count <= 4096)
        #expect(result.hasSuffix("…"))
        #expect(result.hasPrefix("SELECT ééé"))
        #expect(SQLTextScrubber.scrub("SELECT 1").utf8.count == 8)
    }

    @Test("non-ASCII text outside literals survives, inside literals it is removed")
    func unicode() {
        #expect(SQLTextScrubber.scrub("SELECT naïve FROM café WHERE x = 'geheimnis€'") == "SELECT naïve FROM café WHERE x = ?")
    }
}
