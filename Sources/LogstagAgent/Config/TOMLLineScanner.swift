/// Finds where a `key = value` entry ends in TOML source lines and what comment follows it,
/// so `AgentConfigEditor` can replace exactly that entry.
///
/// Contract: `startIndex` is the 0-based index of the line the key is on, and the lines are a
/// document `TOMLDocument.parse` accepted. Strings (basic with escapes, and literal) are
/// skipped, so `#`, `[` and `]` inside them do not count; an array may span lines.
enum TOMLLineScanner {
    struct Extent: Equatable {
        /// Index of the last line of the value.
        var endIndex: Int
        /// The `# ...` comment after the value on its last line, if any.
        var trailingComment: String?

        init(endIndex: Int, trailingComment: String? = nil) {
            self.endIndex = endIndex
            self.trailingComment = trailingComment
        }
    }

    static func valueExtent(lines: [String], startIndex: Int) -> Extent {
        guard lines.indices.contains(startIndex) else { return Extent(endIndex: max(0, min(startIndex, lines.count - 1))) }
        var lineIndex = startIndex
        var characters = Array(lines[lineIndex].unicodeScalars)
        var position = 0
        // Skip the key (which may be quoted and contain "=") and the "=".
        skipKey(characters, &position)
        while position < characters.count, characters[position] != "=" { position += 1 }
        position += 1

        var depth = 0
        var sawValue = false
        while true {
            while position < characters.count {
                let scalar = characters[position]
                switch scalar {
                case "\"", "'":
                    skipString(characters, &position)
                    sawValue = true
                    continue
                case "[":
                    depth += 1
                    sawValue = true
                case "]":
                    depth -= 1
                case "#":
                    if depth == 0 {
                        let comment = String(String.UnicodeScalarView(characters[position...]))
                        return Extent(endIndex: lineIndex, trailingComment: comment)
                    }
                    position = characters.count
                    continue
                case " ", "\t":
                    break
                default:
                    sawValue = true
                }
                position += 1
            }
            if depth <= 0 && sawValue || lineIndex + 1 >= lines.count {
                return Extent(endIndex: lineIndex, trailingComment: nil)
            }
            lineIndex += 1
            characters = Array(lines[lineIndex].unicodeScalars)
            position = 0
        }
    }

    private static func skipKey(_ characters: [Unicode.Scalar], _ position: inout Int) {
        while position < characters.count, characters[position] == " " || characters[position] == "\t" { position += 1 }
        if position < characters.count, characters[position] == "\"" || characters[position] == "'" {
            skipString(characters, &position)
        }
    }

    /// Moves past a basic or literal string that starts at `position`.
    private static func skipString(_ characters: [Unicode.Scalar], _ position: inout Int) {
        let quote = characters[position]
        position += 1
        while position < characters.count {
            let scalar = characters[position]
            if quote == "\"", scalar == "\\" {
                position += 2
                continue
            }
            position += 1
            if scalar == quote { return }
        }
    }
}
