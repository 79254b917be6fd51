import Foundation
import LogstagCore

/// Text-preserving edits of the agent configuration, for enrollment (`api_key`, `asset_id`)
/// and setup mode (new targets).
///
/// Contract: only the lines an edit concerns change; comments, blank lines, key order and the
/// file's line ending (LF or CRLF) are kept. Replacing a key keeps its indentation and its
/// trailing comment. A new `[agent]` key goes right after the table's last entry; a missing
/// `[agent]` table is created before the first table. Values are rendered by
/// `TOMLValue.tomlText`, so any string round-trips. `init` refuses text that is not valid TOML
/// (editing it line by line would be guesswork); every edit keeps the text valid TOML, and
/// the result is meant for `ConfigFileWriter.write`.
public struct AgentConfigEditor: Sendable {
    public private(set) var text: String

    /// - Throws: the parse error, when `text` is not valid TOML.
    public init(text: String) throws(ConfigProblems) {
        do {
            _ = try TOMLDocument.parse(text)
        } catch {
            throw ConfigProblems([ConfigProblem(error)])
        }
        self.text = text
    }

    /// Target names in file order.
    public var targetNames: [String] {
        document.tables.filter { $0.path.count == 2 && $0.path[0] == AgentConfigSchema.targetsTable }.map { $0.path[1] }
    }

    /// Sets `key` in `[agent]`: replaces its line if present, else inserts it after the last
    /// entry of `[agent]` (creating the table when there is none).
    public mutating func setAgentValue(_ key: String, _ value: TOMLValue) {
        set(tablePath: [AgentConfigSchema.agentTable], key, value, newTableAtStart: true)
    }

    /// Sets `key` in `[targets.<target>]`; a target that does not exist yet is appended with
    /// this one key.
    public mutating func setTargetValue(target: String, _ key: String, _ value: TOMLValue) {
        set(tablePath: [AgentConfigSchema.targetsTable, target], key, value, newTableAtStart: false)
    }

    /// Appends `[targets.<name>]` with `entries` at the end of the file.
    /// - Throws: when a target with this name exists, the name is empty, or a key repeats.
    public mutating func appendTarget(name: String, entries: [(String, TOMLValue)]) throws(ConfigProblems) {
        let document = document
        if let existing = document.table(path: [AgentConfigSchema.targetsTable, name]) {
            throw ConfigProblems([
                ConfigProblem(line: existing.line, message: "a target named \"\(name)\" already exists; choose another name or edit that target")
            ])
        }
        guard !name.isEmpty else { throw ConfigProblems([ConfigProblem(line: 0, message: "the target name must not be empty")]) }
        var seen: Set<String> = []
        for (key, _) in entries where !seen.insert(key).inserted {
            throw ConfigProblems([ConfigProblem(line: 0, key: key, message: "is given twice for the new target")])
        }
        var lines = Lines(text)
        lines.appendTable(header: Self.header([AgentConfigSchema.targetsTable, name]), entries: entries.map(Self.entryLine))
        commit(lines)
    }

    // MARK: - Internals

    private var document: TOMLDocument {
        // `init` and every edit keep the text valid, so this cannot fail.
        (try? TOMLDocument.parse(text)) ?? TOMLDocument(tables: [])
    }

    private mutating func set(tablePath: [String], _ key: String, _ value: TOMLValue, newTableAtStart: Bool) {
        let document = document
        var lines = Lines(text)
        let newLine = Self.entryLine(key, value)
        if let table = document.table(path: tablePath) {
            if let entry = table.entry(key) {
                let first = entry.line - 1
                let extent = TOMLLineScanner.valueExtent(lines: lines.items, startIndex: first)
                let indentation = String(lines.items[first].prefix { $0 == " " || $0 == "\t" })
                let comment = extent.trailingComment.map { " " + $0 } ?? ""
                lines.items.replaceSubrange(first...extent.endIndex, with: [indentation + newLine + comment])
            } else if let last = table.entries.max(by: { $0.line < $1.line }) {
                let lastIndex = TOMLLineScanner.valueExtent(lines: lines.items, startIndex: last.line - 1).endIndex
                let indentation = String(lines.items[last.line - 1].prefix { $0 == " " || $0 == "\t" })
                lines.items.insert(indentation + newLine, at: lastIndex + 1)
            } else {
                lines.items.insert(newLine, at: table.line)
            }
        } else if newTableAtStart, let firstTable = document.tables.first(where: { !$0.path.isEmpty }) {
            // Keep the comment block that introduces the first table attached to it.
            var index = firstTable.line - 1
            while index > 0, lines.items[index - 1].trimmingCharacters(in: .whitespaces).hasPrefix("#") { index -= 1 }
            lines.items.insert(contentsOf: [Self.header(tablePath), newLine, ""], at: index)
        } else {
            lines.appendTable(header: Self.header(tablePath), entries: [newLine])
        }
        commit(lines)
    }

    private mutating func commit(_ lines: Lines) {
        let candidate = lines.joined
        guard (try? TOMLDocument.parse(candidate)) != nil else {
            assertionFailure("AgentConfigEditor produced invalid TOML")
            return
        }
        text = candidate
    }

    private static func header(_ path: [String]) -> String {
        "[" + path.map(TOMLRendering.key).joined(separator: ".") + "]"
    }

    private static func entryLine(_ key: String, _ value: TOMLValue) -> String {
        TOMLRendering.key(key) + " = " + value.tomlText
    }

    /// The text as lines, remembering the line ending and whether the text ended with one.
    private struct Lines {
        var items: [String]
        let ending: String
        let endsWithNewline: Bool

        init(_ text: String) {
            // Split on scalars: as Characters, "\r\n" is one grapheme and would not match "\n".
            ending = text.utf8.contains(13) && text.contains("\r\n") ? "\r\n" : "\n"
            endsWithNewline = text.isEmpty || text.utf8.last == 10
            var split = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                var scalars = String.UnicodeScalarView(line)
                if scalars.last == "\r" { scalars.removeLast() }
                return String(scalars)
            }
            if endsWithNewline, split.last == "" { split.removeLast() }
            items = split
        }

        mutating func appendTable(header: String, entries: [String]) {
            if let last = items.last, !last.trimmingCharacters(in: .whitespaces).isEmpty { items.append("") }
            items.append(header)
            items += entries
        }

        var joined: String {
            items.joined(separator: ending) + (items.isEmpty ? "" : ending)
        }
    }
}
