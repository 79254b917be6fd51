/// A performance trend a catalogue asks for (`[charts.<id>]`).
///
/// Contract: `metric` is `<signal>.<column>` (split into `signal` and `column`); the series is
/// the column summed over all tag variants per time, restricted to variants whose tags include
/// `filter` (`tag=value`) when set; `kind` rate turns a counter into its growth per second.
public struct HealthChartDefinition: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case gauge, rate
    }

    public var id: String
    public var title: String
    public var metric: String
    public var filter: String?
    public var kind: Kind
    public var unit: HealthUnit

    public init(id: String, title: String, metric: String, filter: String? = nil, kind: Kind, unit: HealthUnit) {
        self.id = id
        self.title = title
        self.metric = metric
        self.filter = filter
        self.kind = kind
        self.unit = unit
    }

    public var signal: String { String(metric.prefix { $0 != "." }) }
    public var column: String { String(metric.drop { $0 != "." }.dropFirst()) }

    /// The tag name and value of `filter` (`state=active` -> ("state", "active")).
    public var filterTag: (name: String, value: String)? {
        guard let filter, let equals = filter.firstIndex(of: "=") else { return nil }
        return (String(filter[..<equals]), String(filter[filter.index(after: equals)...]))
    }
}
