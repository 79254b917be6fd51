/// The text INFO answers: `# Section` headers, blank lines and `key:value` lines ending in CRLF.
///
/// Contract: `pairs` returns the `key:value` lines in order (the value is everything after
/// the first `:`, so `listener0:name=tcp,bind=...` stays whole); comments and blank lines are
/// skipped. `attributes` splits a row-shaped value such as `keys=1,expires=0,avg_ttl=0` at
/// commas and the first `=` of each part. Pure; never throws.
enum RedisInfoText {
    static func pairs(_ text: String) -> [(key: String, value: String)] {
        var result: [(key: String, value: String)] = []
        for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            guard !line.isEmpty, !line.hasPrefix("#"), let colon = line.firstIndex(of: ":") else { continue }
            result.append((String(line[..<colon]), String(line[colon...].dropFirst())))
        }
        return result
    }

    /// The fields of INFO `server` as a dictionary (the first value wins when a key repeats).
    static func dictionary(_ text: String) -> [String: String] {
        Dictionary(pairs(text).map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    static func attributes(_ value: String) -> [(key: String, value: String)] {
        value.split(separator: ",").compactMap { part in
            guard let equals = part.firstIndex(of: "=") else { return nil }
            return (String(part[..<equals]), String(part[equals...].dropFirst()))
        }
    }
}
