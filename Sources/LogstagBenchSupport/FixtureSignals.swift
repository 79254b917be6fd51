// Realistic signal rows for the on-demand benchmarks, taken from the health fixtures.
import Foundation
import LogstagCore

/// Rows of every signal from the healthy fixture cases: per signal, the union of the cases' rows
/// keyed by their tag columns and `name` (first wins); one-row signals keep the first case's row.
public func fixtureSignals(path: String) throws -> [String: [[String: JSONValue]]] {
    let cases = try WireCoding.decoder().decode([String: JSONValue].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    var signals: [String: [[String: JSONValue]]] = [:]
    var seen: [String: Set<String>] = [:]
    for ruleID in cases.keys.sorted() {
        guard case .object(let rule)? = cases[ruleID], case .object(let healthy)? = rule["healthy"],
            case .object(let inputs)? = healthy["signals"]
        else { continue }
        for (name, value) in inputs {
            guard case .array(let rows) = value else { continue }
            for case .object(let row) in rows {
                let key = row.keys.filter { $0.hasPrefix("tag_") || $0 == "name" }.sorted().map { "\($0)=\(row[$0]!)" }.joined(separator: ",")
                if key.isEmpty, signals[name] != nil { continue }
                if seen[name, default: []].insert(key).inserted { signals[name, default: []].append(row) }
            }
        }
    }
    return signals
}
