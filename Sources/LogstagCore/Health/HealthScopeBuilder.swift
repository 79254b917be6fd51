import Foundation

/// The scope section of a report: the catalogue's objects and settings in the latest snapshot.
///
/// Contract: one `ScopeObject` per row of each `[scope.<id>]` signal (named by its expression;
/// empty names skipped; the first of duplicate kind+name kept), sorted by kind then name,
/// capped at `ReportScope.maxObjects` with `totalObjects`, `truncated` and counts per kind over
/// all of them. The fingerprint is the CRC-32 (8 hex digits) of the row's sorted `key=value`
/// pairs of text and boolean columns (tags included), leaving out numbers (counters, gauges)
/// and text that is a timestamp, so it changes when the object's definition does, not its
/// activity. Settings come from the settings signal, else from the text, number and boolean
/// columns of the first row of `settings_row_signal`, sorted by name.
enum HealthScopeBuilder {
    static func scope(catalogue: HealthCatalogue, snapshot: HealthSnapshot, evaluator: HealthExpressionEvaluator) -> ReportScope {
        var seen: Set<ScopeObject.Key> = []
        var objects: [ScopeObject] = []
        for definition in catalogue.scopes {
            for row in evaluator.rows(of: definition.signal) {
                guard let name = HealthValueSemantics.text(evaluator.evaluate(definition.name, row: row, rowSignal: definition.signal)),
                    !name.isEmpty
                else { continue }
                let object = ScopeObject(kind: definition.kind, name: name, fingerprint: fingerprint(row))
                if seen.insert(object.key).inserted { objects.append(object) }
            }
        }
        objects.sort { ($0.kind, $0.name) < ($1.kind, $1.name) }
        var counts: [String: Int] = [:]
        for object in objects { counts[object.kind, default: 0] += 1 }
        return ReportScope(
            objects: Array(objects.prefix(ReportScope.maxObjects)), totalObjects: objects.count,
            truncated: objects.count > ReportScope.maxObjects,
            counts: counts.sorted { $0.key < $1.key }.map { ScopeCount(kind: $0.key, count: $0.value) },
            settings: settings(catalogue: catalogue, evaluator: evaluator))
    }

    static func fingerprint(_ row: [String: JSONValue]) -> String {
        let pairs = row.compactMap { key, value -> String? in
            switch value {
            case .bool(let flag): return key + "=" + (flag ? "true" : "false")
            case .string(let text): return WireDate.parse(text) == nil ? key + "=" + text : nil
            default: return nil
            }
        }.sorted()
        let checksum = CRC32.checksum(pairs.joined(separator: "\n"))
        let hex = String(checksum, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }

    static func settings(catalogue: HealthCatalogue, evaluator: HealthExpressionEvaluator) -> [ScopeSetting] {
        var byName: [String: String] = [:]
        if let source = catalogue.settings {
            for row in evaluator.rows(of: source.signal) {
                guard let name = HealthValueSemantics.text(row[source.nameColumn] ?? .null), byName[name] == nil else { continue }
                byName[name] = HealthValueSemantics.text(row[source.valueColumn] ?? .null) ?? ""
            }
        } else if let signal = catalogue.settingsRowSignal, let row = evaluator.rows(of: signal).first {
            for (name, value) in row {
                switch value {
                case .string, .number, .bool: byName[name] = HealthValueSemantics.text(value)
                default: continue
                }
            }
        }
        return byName.sorted { $0.key < $1.key }.map { ScopeSetting(name: $0.key, value: $0.value) }
    }
}

extension ScopeObject {
    /// Objects are the same object when kind and name match (the fingerprint tells modified).
    struct Key: Hashable {
        var kind: String
        var name: String
    }

    var key: Key { Key(kind: kind, name: name) }
}
