/// The key of one stored series: `<signal>.<column>` plus `{tag=value,...}` for rows with tags
/// (tags sorted by name, without their `tag_` prefix).
///
/// Contract: `MetricKey(parsing:)` inverts the server's key format; a key without braces has no tags.
/// Tag values containing "," or "=" are not escaped by the writer, so such values split
/// ambiguously (identifiers with commas are rare and only mislabel a series, never mix assets).
public struct MetricKey: Sendable, Equatable, Hashable {
    public let base: String
    public let tags: [String: String]

    public init(base: String, tags: [String: String] = [:]) {
        self.base = base
        self.tags = tags
    }

    public init(parsing key: String) {
        guard let open = key.firstIndex(of: "{"), key.hasSuffix("}") else {
            self.init(base: key)
            return
        }
        var tags: [String: String] = [:]
        for pair in key[key.index(after: open)..<key.index(before: key.endIndex)].split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard let name = parts.first else { continue }
            tags[String(name)] = parts.count > 1 ? String(parts[1]) : ""
        }
        self.init(base: String(key[..<open]), tags: tags)
    }

    /// The stored text form.
    public var text: String {
        tags.isEmpty ? base : base + "{" + tags.keys.sorted().map { "\($0)=\(tags[$0]!)" }.joined(separator: ",") + "}"
    }
}
