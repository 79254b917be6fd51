/// Which numeric columns of each collector signal are cumulative counters, read from the
/// collector manifests (`[signals.<name>.columns]` for SQL engines, `[signals.<name>.fields]`
/// for Redis/Valkey), so the server turns exactly those into increases and rates.
///
/// Contract: a column declared `counter` is a counter; every other numeric column is a gauge,
/// including columns of signals no manifest names (a new agent's signal is stored, as gauges,
/// rather than dropped).
public struct SignalColumnKinds: Sendable, Equatable {
    public private(set) var counters: [String: Set<String>]

    public init(counters: [String: Set<String>] = [:]) {
        self.counters = counters
    }

    /// The counter columns declared in one collector manifest.
    public static func parse(manifest text: String) throws(TOMLError) -> SignalColumnKinds {
        let document = try TOMLDocument.parse(text)
        var counters: [String: Set<String>] = [:]
        for table in document.tables where table.path.count == 3 && table.path[0] == "signals"
            && (table.path[2] == "columns" || table.path[2] == "fields")
        {
            let names = table.entries.filter { $0.value == .string("counter") }.map { column in
                // Redis labels are sent as tag_<name>; counters keep their declared name.
                column.key
            }
            counters[table.path[1], default: []].formUnion(names)
        }
        return SignalColumnKinds(counters: counters)
    }

    /// Both manifests' declarations together.
    public func merging(_ other: SignalColumnKinds) -> SignalColumnKinds {
        SignalColumnKinds(counters: counters.merging(other.counters) { $0.union($1) })
    }

    public func isCounter(signal: String, column: String) -> Bool {
        counters[signal]?.contains(column) ?? false
    }
}
