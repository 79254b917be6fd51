/// Removes literal values from SQL text before it leaves the host.
///
/// PostgreSQL replaces constants by `$n` in most `pg_stat_statements` texts, but utility
/// statements (`CREATE ROLE x PASSWORD '...'`, `SET`, `COPY`, `DO` blocks) and every
/// `pg_stat_activity.query` keep them verbatim, so every query text goes through here.
///
/// Contract: a lexer over the text (not a regular expression), so quotes inside comments or
/// literals cannot derail it. Every string literal (`'...'` with `''` escapes, `E'...'` with
/// backslash escapes, `B''`/`X''`/`N''`/`U&''`, and dollar-quoted `$tag$...$tag$`) and every
/// numeric literal becomes `?`; comments (`--` and nested `/* */`) become one space, since
/// they can carry anything; after a `PASSWORD` keyword the rest of the text becomes ` ?`.
/// Parameters (`$1`), identifiers (also `"quoted"` ones) and keywords are kept. A literal
/// or comment left open at the end (texts are often cut by `track_activity_query_size`)
/// counts up to the end. With `standardConformingStrings` false, backslashes escape in plain
/// strings too (the server's `standard_conforming_strings`). The result is at most
/// `maxBytes` UTF-8 bytes, cut on a character boundary and ending in `…` when cut.
public enum SQLTextScrubber {
    /// Longest scrubbed text, in UTF-8 bytes.
    public static let maxBytes = 4096
    /// What a removed literal becomes.
    public static let placeholder = "?"

    /// `sql` without literals, comments or anything after `PASSWORD`, cut to `maxBytes`.
    public static func scrub(_ sql: String, standardConformingStrings: Bool = true, maxBytes: Int = maxBytes) -> String {
        var lexer = Lexer(bytes: Array(sql.utf8), standardConformingStrings: standardConformingStrings)
        lexer.run()
        return truncate(String(decoding: lexer.output, as: UTF8.self), maxBytes: maxBytes)
    }

    /// `text` cut to at most `maxBytes` UTF-8 bytes on a character boundary, ending in `…`.
    static func truncate(_ text: String, maxBytes: Int) -> String {
        guard text.utf8.count > maxBytes else { return text }
        let ellipsis = "…"
        let budget = maxBytes - ellipsis.utf8.count
        var kept = ""
        var bytes = 0
        for character in text {
            let size = character.utf8.count
            guard bytes + size <= budget else { break }
            kept.append(character)
            bytes += size
        }
        return kept + ellipsis
    }

    private struct Lexer {
        let bytes: [UInt8]
        let standardConformingStrings: Bool
        var output: [UInt8] = []
        var index = 0

        init(bytes: [UInt8], standardConformingStrings: Bool) {
            self.bytes = bytes
            self.standardConformingStrings = standardConformingStrings
            output.reserveCapacity(bytes.count)
        }

        mutating func run() {
            while index < bytes.count {
                let byte = bytes[index]
                let next = index + 1 < bytes.count ? bytes[index + 1] : 0
                switch byte {
                case UInt8(ascii: "-") where next == UInt8(ascii: "-"):
                    skipLineComment()
                case UInt8(ascii: "/") where next == UInt8(ascii: "*"):
                    skipBlockComment()
                case UInt8(ascii: "'"):
                    skipQuoted(backslashEscapes: !standardConformingStrings)
                    emitPlaceholder()
                case UInt8(ascii: "\""):
                    copyQuotedIdentifier()
                case UInt8(ascii: "$"):
                    dollar()
                case _ where Self.isDigit(byte), UInt8(ascii: ".") where Self.isDigit(next):
                    skipNumber()
                    emitPlaceholder()
                case _ where Self.isIdentifierStart(byte):
                    if word() == .stop { return }
                default:
                    output.append(byte)
                    index += 1
                }
            }
        }

        enum Flow { case proceed, stop }

        /// An identifier or keyword, or the prefix of a special string literal.
        mutating func word() -> Flow {
            let start = index
            while index < bytes.count, Self.isIdentifierPart(bytes[index]) { index += 1 }
            let word = bytes[start..<index]
            let next = index < bytes.count ? bytes[index] : 0
            if word.count == 1, next == UInt8(ascii: "'") {
                switch word.first.map({ $0 | 0x20 }) {
                case UInt8(ascii: "e"):
                    skipQuoted(backslashEscapes: true)
                    emitPlaceholder()
                    return .proceed
                case UInt8(ascii: "b"), UInt8(ascii: "x"), UInt8(ascii: "n"):
                    skipQuoted(backslashEscapes: !standardConformingStrings)
                    emitPlaceholder()
                    return .proceed
                default:
                    break
                }
            }
            if word.count == 1, word.first.map({ $0 | 0x20 }) == UInt8(ascii: "u"), next == UInt8(ascii: "&"),
                index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "'")
            {
                index += 1
                skipQuoted(backslashEscapes: false)
                emitPlaceholder()
                return .proceed
            }
            output.append(contentsOf: word)
            if word.count == 8, String(decoding: word, as: UTF8.self).lowercased() == "password" {
                output.append(UInt8(ascii: " "))
                output.append(contentsOf: placeholder.utf8)
                index = bytes.count
                return .stop
            }
            return .proceed
        }

        /// `$1` (a parameter, kept) or a dollar-quoted literal `$tag$...$tag$` (removed).
        mutating func dollar() {
            let start = index
            var cursor = index + 1
            if cursor < bytes.count, Self.isDigit(bytes[cursor]) {
                while cursor < bytes.count, Self.isDigit(bytes[cursor]) { cursor += 1 }
                output.append(contentsOf: bytes[start..<cursor])
                index = cursor
                return
            }
            if cursor < bytes.count, Self.isIdentifierStart(bytes[cursor]) {
                while cursor < bytes.count, Self.isIdentifierPart(bytes[cursor]), bytes[cursor] != UInt8(ascii: "$") { cursor += 1 }
            }
            guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: "$") else {
                // A lone `$` is not a quote; keep it.
                output.append(bytes[index])
                index += 1
                return
            }
            let tag = Array(bytes[start...cursor])
            index = cursor + 1
            while index < bytes.count {
                if bytes[index] == UInt8(ascii: "$"), bytes[index...].starts(with: tag) {
                    index += tag.count
                    emitPlaceholder()
                    return
                }
                index += 1
            }
            emitPlaceholder()
        }

        /// Skips a `'...'` literal starting at the quote at `index` (a prefix is already consumed).
        mutating func skipQuoted(backslashEscapes: Bool) {
            index += 1
            while index < bytes.count {
                let byte = bytes[index]
                if backslashEscapes, byte == UInt8(ascii: "\\") {
                    index += 2
                } else if byte == UInt8(ascii: "'") {
                    if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "'") {
                        index += 2
                    } else {
                        index += 1
                        return
                    }
                } else {
                    index += 1
                }
            }
            index = bytes.count
        }

        mutating func copyQuotedIdentifier() {
            let start = index
            index += 1
            while index < bytes.count {
                if bytes[index] == UInt8(ascii: "\"") {
                    if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\"") {
                        index += 2
                        continue
                    }
                    index += 1
                    break
                }
                index += 1
            }
            output.append(contentsOf: bytes[start..<min(index, bytes.count)])
        }

        /// Digits, `.`, exponents (`1.5e-3`), `_` separators and `0x`/`0o`/`0b` forms.
        mutating func skipNumber() {
            while index < bytes.count {
                let byte = bytes[index]
                if Self.isDigit(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || Self.isLetter(byte) {
                    index += 1
                    if byte | 0x20 == UInt8(ascii: "e"), index + 1 < bytes.count,
                        bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-"), Self.isDigit(bytes[index + 1])
                    {
                        index += 1
                    }
                } else {
                    return
                }
            }
        }

        mutating func skipLineComment() {
            while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
            emitSpace()
        }

        mutating func skipBlockComment() {
            var depth = 0
            while index < bytes.count {
                if bytes[index] == UInt8(ascii: "/"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "*") {
                    depth += 1
                    index += 2
                } else if bytes[index] == UInt8(ascii: "*"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "/") {
                    depth -= 1
                    index += 2
                    if depth == 0 { break }
                } else {
                    index += 1
                }
            }
            emitSpace()
        }

        mutating func emitPlaceholder() {
            output.append(contentsOf: placeholder.utf8)
        }

        mutating func emitSpace() {
            if let last = output.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\n") { return }
            output.append(UInt8(ascii: " "))
        }

        static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") }
        static func isIdentifierStart(_ byte: UInt8) -> Bool { isLetter(byte) || byte == UInt8(ascii: "_") || byte >= 0x80 }
        static func isIdentifierPart(_ byte: UInt8) -> Bool { isIdentifierStart(byte) || isDigit(byte) || byte == UInt8(ascii: "$") }
    }
}
