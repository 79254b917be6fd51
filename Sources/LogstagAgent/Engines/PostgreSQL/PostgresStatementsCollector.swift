import LogstagCore

/// The `statements` handler: `pg_stat_statements` numbers every run, texts once per query id.
///
/// Contract: after the manifest preconditions, runs the signal's SQL (counters only, no
/// texts), lets `PostgresStatementTracker` choose the rows to send, then fetches texts with
/// the signal's `textSQL` only for chosen query ids whose text was never sent, scrubs them
/// and puts them in `query`; rows whose text was sent before carry `query: null`. A failing
/// text lookup leaves `query` null and the ids unmarked, so the next run tries again.
enum PostgresStatementsCollector {
    static func run(
        _ signal: PostgresSignal, on session: PostgresSession, facts: PostgresUserFacts, tracker: inout PostgresStatementTracker
    ) throws(PostgresConnectionLost) -> PostgresSignalOutcome {
        if let unavailable = try PostgresSignalRunner.preconditionFailure(signal, on: session, facts: facts) { return unavailable }
        let numbers: PostgresRows
        do {
            numbers = try session.query(signal.sql, timeoutMs: signal.timeoutMs)
        } catch {
            return try PostgresSignalRunner.outcome(for: error, signal: signal, facts: facts)
        }
        let converted = PostgresSignalRunner.convert(numbers, signal: signal, standardConformingStrings: true)
        guard case .rows(let all) = converted else { return converted }
        var chosen = tracker.select(all)
        let missing = tracker.queryIDsNeedingText(chosen)
        guard !missing.isEmpty, let textSQL = signal.textSQL else { return .rows(chosen) }
        let texts: PostgresRows
        do {
            texts = try session.query(textSQL, parameters: [PostgresIdentifier.arrayLiteral(missing)], timeoutMs: signal.timeoutMs)
        } catch {
            if error.connectionLost {
                throw PostgresConnectionLost(message: "The connection was lost while reading statement texts: \(error.description)")
            }
            return .rows(chosen)
        }
        let scrubber = session.standardConformingStrings
        var textByID: [String: String] = [:]
        for index in texts.rows.indices {
            guard let id = texts.value("tag_queryid", row: index), let query = texts.value("query", row: index) else { continue }
            textByID[id] = SQLTextScrubber.scrub(query, standardConformingStrings: scrubber)
        }
        for index in chosen.indices {
            guard let id = chosen[index]["tag_queryid"]?.stringValue, let text = textByID[id] else { continue }
            chosen[index]["query"] = .string(text)
        }
        tracker.markTextsSent(Array(textByID.keys))
        return .rows(chosen)
    }
}
