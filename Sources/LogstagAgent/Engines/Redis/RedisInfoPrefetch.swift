/// One `INFO a b c` call for all the INFO sections a tier needs, split back into the replies
/// the single-section calls would have given.
///
/// Contract: `sections(of:)` lists the lowercased sections of the signals whose command is
/// exactly `INFO <section>`; `split(_:)` turns a multi-section INFO text into one `.string`
/// reply per section (keyed lowercased, each starting with its `# Section` header). Redis 7.0
/// and Valkey accept several sections in one INFO, so a tier costs one round trip instead of
/// one per section. When the combined call fails the signals fall back to their own calls, so
/// a refusal is still reported per signal.
enum RedisInfoPrefetch {
    static func section(of command: [String]) -> String? {
        guard command.count == 2, command[0].uppercased() == "INFO" else { return nil }
        return command[1].lowercased()
    }

    static func sections(of signals: [RedisSignal]) -> [String] {
        var seen: Set<String> = []
        return signals.compactMap { section(of: $0.command) }.filter { seen.insert($0).inserted }
    }

    static func split(_ text: String) -> [String: RedisReply] {
        var replies: [String: RedisReply] = [:]
        var current: String?
        var lines: [Substring] = []
        func flush() {
            if let current { replies[current] = .string(lines.joined(separator: "\r\n") + "\r\n") }
        }
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let trimmed = line.hasSuffix("\r") ? line.dropLast() : line
            if trimmed.hasPrefix("# ") {
                flush()
                current = trimmed.dropFirst(2).trimmingCharacters(in: .whitespaces).lowercased()
                lines = [trimmed]
            } else if current != nil, !trimmed.isEmpty {
                lines.append(trimmed)
            }
        }
        flush()
        return replies
    }
}
