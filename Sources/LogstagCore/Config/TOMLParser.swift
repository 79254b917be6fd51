/// The scanner behind `TOMLDocument.parse`: one pass over the text's Unicode scalars that
/// tracks the current line for every error.
struct TOMLParser {
    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var line = 1

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { index = 1 }
    }

    private struct PendingTable {
        var path: [String]
        var line: Int
        var entries: [TOMLEntry] = []
        var keyLines: [String: Int] = [:]
    }

    // MARK: - Document structure

    mutating func parseDocument() throws(TOMLError) -> TOMLDocument {
        var tables = [PendingTable(path: [], line: 1)]
        var tableLines: [[String]: Int] = [[]: 1]
        while true {
            skipSpaces()
            guard let scalar = current else { break }
            if scalar == "#" {
                skipComment()
            } else if atNewline {
                try consumeNewline()
            } else if scalar == "[" {
                let headerLine = line
                let path = try parseHeader()
                if let first = tableLines[path] {
                    throw TOMLError(
                        line: headerLine, message: "table [\(path.joined(separator: "."))] is defined twice (first on line \(first))")
                }
                tableLines[path] = headerLine
                tables.append(PendingTable(path: path, line: headerLine))
            } else {
                let keyLine = line
                let (key, value) = try parseKeyValue()
                var table = tables[tables.count - 1]
                if let first = table.keyLines[key] {
                    let place = table.path.isEmpty ? "the top level" : "[\(table.path.joined(separator: "."))]"
                    throw TOMLError(
                        line: keyLine, key: key, message: "key \"\(key)\" is defined twice in \(place) (first on line \(first))")
                }
                table.keyLines[key] = keyLine
                table.entries.append(TOMLEntry(key: key, value: value, line: keyLine))
                tables[tables.count - 1] = table
            }
        }
        try checkKeysVersusTables(tables)
        return TOMLDocument(tables: tables.map { TOMLTable(path: $0.path, line: $0.line, entries: $0.entries) })
    }

    /// `[a]` with `b = 1` and a `[a.b]` header define `a.b` twice.
    private func checkKeysVersusTables(_ tables: [PendingTable]) throws(TOMLError) {
        var byPath: [[String]: PendingTable] = [:]
        for table in tables { byPath[table.path] = table }
        for table in tables where !table.path.isEmpty {
            for depth in 0..<table.path.count {
                let parentPath = Array(table.path[..<depth])
                let key = table.path[depth]
                guard let parent = byPath[parentPath], let keyLine = parent.keyLines[key] else { continue }
                let name = table.path[...depth].joined(separator: ".")
                throw TOMLError(
                    line: max(keyLine, table.line), key: key,
                    message: "key \"\(key)\" (line \(keyLine)) and table [\(name)] (line \(table.line)) define the same name")
            }
        }
    }

    private mutating func parseHeader() throws(TOMLError) -> [String] {
        index += 1
        if current == "[" {
            throw TOMLError(line: line, message: "arrays of tables ([[...]]) are not supported")
        }
        var path: [String] = []
        while true {
            skipSpaces()
            guard let part = try parseKey() else {
                throw TOMLError(line: line, message: "expected a table name after \"[\"")
            }
            path.append(part)
            skipSpaces()
            if current == "." {
                index += 1
                continue
            }
            break
        }
        guard current == "]" else {
            throw TOMLError(line: line, message: "expected \"]\" to close the table header [\(path.joined(separator: "."))")
        }
        index += 1
        try endOfLine(context: "after the table header [\(path.joined(separator: "."))]", key: nil)
        return path
    }

    private mutating func parseKeyValue() throws(TOMLError) -> (String, TOMLValue) {
        guard let key = try parseKey() else {
            throw TOMLError(line: line, message: "expected a key, a [table] header or a comment")
        }
        skipSpaces()
        if current == "." {
            throw TOMLError(
                line: line, key: key, message: "key \"\(key)\": dotted keys are not supported; put the key under a [table] header")
        }
        guard current == "=" else {
            throw TOMLError(line: line, key: key, message: "key \"\(key)\": expected \"=\" after the key")
        }
        index += 1
        skipSpaces()
        let value = try parseValue(key: key)
        try endOfLine(context: "after the value", key: key)
        return (key, value)
    }

    /// A bare or quoted key, or nil when none starts here.
    private mutating func parseKey() throws(TOMLError) -> String? {
        switch current {
        case "\"":
            return try parseBasicString(key: nil)
        case "'":
            return try parseLiteralString(key: nil)
        default:
            var key = ""
            while let scalar = current, Self.isBareKeyScalar(scalar) {
                key.unicodeScalars.append(scalar)
                index += 1
            }
            return key.isEmpty ? nil : key
        }
    }

    // MARK: - Values

    private mutating func parseValue(key: String) throws(TOMLError) -> TOMLValue {
        let prefix = "key \"\(key)\": "
        guard let scalar = current, !atNewline, scalar != "#" else {
            throw TOMLError(line: line, key: key, message: prefix + "expected a value after \"=\"")
        }
        switch scalar {
        case "\"":
            if peek(1) == "\"", peek(2) == "\"" {
                throw TOMLError(line: line, key: key, message: prefix + "multi-line strings are not supported")
            }
            return .string(try parseBasicString(key: key))
        case "'":
            if peek(1) == "'", peek(2) == "'" {
                throw TOMLError(line: line, key: key, message: prefix + "multi-line strings are not supported")
            }
            return .string(try parseLiteralString(key: key))
        case "[":
            return try parseArray(key: key)
        case "{":
            throw TOMLError(line: line, key: key, message: prefix + "inline tables are not supported; use a [table] header")
        default:
            var word = ""
            while let next = current, Self.isValueWordScalar(next) {
                word.unicodeScalars.append(next)
                index += 1
            }
            guard !word.isEmpty else {
                throw TOMLError(line: line, key: key, message: prefix + "expected a value (strings must be quoted)")
            }
            return try interpret(word: word, key: key)
        }
    }

    private mutating func parseArray(key: String) throws(TOMLError) -> TOMLValue {
        let startLine = line
        index += 1
        var items: [TOMLValue] = []
        while true {
            try skipSpaceCommentsAndNewlines()
            guard let scalar = current else {
                throw TOMLError(line: startLine, key: key, message: "key \"\(key)\": the array is not closed with \"]\"")
            }
            if scalar == "]" {
                index += 1
                return .array(items)
            }
            items.append(try parseValue(key: key))
            try skipSpaceCommentsAndNewlines()
            switch current {
            case ",":
                index += 1
            case "]":
                index += 1
                return .array(items)
            case nil:
                throw TOMLError(line: startLine, key: key, message: "key \"\(key)\": the array is not closed with \"]\"")
            default:
                throw TOMLError(line: line, key: key, message: "key \"\(key)\": expected \",\" or \"]\" after an array element")
            }
        }
    }

    private func interpret(word: String, key: String) throws(TOMLError) -> TOMLValue {
        let prefix = "key \"\(key)\": "
        switch word {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "inf", "+inf": return .float(.infinity)
        case "-inf": return .float(-.infinity)
        case "nan", "+nan", "-nan": return .float(.nan)
        default: break
        }
        let scalars = Array(word.unicodeScalars)
        if word.contains(":") || (scalars.count >= 10 && scalars[4] == "-" && scalars[7] == "-" && scalars[0..<4].allSatisfy(Self.isDigit)) {
            throw TOMLError(line: line, key: key, message: prefix + "dates and times are not supported; write them as strings")
        }
        let notANumber = TOMLError(line: line, key: key, message: prefix + "expected a value (strings must be quoted)")
        var body = Substring(word)
        var sign = ""
        if let first = body.first, first == "+" || first == "-" {
            sign = first == "-" ? "-" : ""
            body = body.dropFirst()
        }
        for (radixPrefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where body.hasPrefix(radixPrefix) {
            guard word.first != "+", word.first != "-" else {
                throw TOMLError(line: line, key: key, message: prefix + "hexadecimal, octal and binary integers cannot have a sign")
            }
            guard let digits = Self.removeUnderscores(body.dropFirst(2), radix: radix) else { throw notANumber }
            guard let value = Int64(digits, radix: radix) else {
                throw TOMLError(line: line, key: key, message: prefix + "the integer is out of the 64-bit range")
            }
            return .integer(value)
        }
        if let digits = Self.removeUnderscores(body, radix: 10) {
            guard digits == "0" || !digits.hasPrefix("0") else {
                throw TOMLError(line: line, key: key, message: prefix + "integers cannot have leading zeros")
            }
            guard let value = Int64(sign + digits) else {
                throw TOMLError(line: line, key: key, message: prefix + "the integer is out of the 64-bit range")
            }
            return .integer(value)
        }
        // Float: int-part [ "." frac ] [ (e|E) [sign] digits ], with at least one of frac or exponent.
        var mantissa = body
        var exponent: Substring?
        if let e = body.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = body[..<e]
            exponent = body[body.index(after: e)...]
        }
        var integerPart = mantissa
        var fractionPart: Substring?
        if let dot = mantissa.firstIndex(of: ".") {
            integerPart = mantissa[..<dot]
            fractionPart = mantissa[mantissa.index(after: dot)...]
        }
        guard fractionPart != nil || exponent != nil, let intDigits = Self.removeUnderscores(integerPart, radix: 10),
            intDigits == "0" || !intDigits.hasPrefix("0")
        else { throw notANumber }
        var text = sign + intDigits
        if let fractionPart {
            guard let fraction = Self.removeUnderscores(fractionPart, radix: 10) else { throw notANumber }
            text += "." + fraction
        }
        if var exponent {
            var exponentSign = ""
            if let first = exponent.first, first == "+" || first == "-" {
                exponentSign = String(first)
                exponent = exponent.dropFirst()
            }
            guard let digits = Self.removeUnderscores(exponent, radix: 10) else { throw notANumber }
            text += "e" + exponentSign + digits
        }
        guard let value = Double(text) else { throw notANumber }
        return .float(value)
    }

    /// The digits without `_` separators, or nil when empty, when a `_` is not between two
    /// digits, or when a character is not a digit of `radix`.
    private static func removeUnderscores(_ text: Substring, radix: Int) -> String? {
        var result = ""
        var previousWasDigit = false
        for character in text {
            if character == "_" {
                guard previousWasDigit else { return nil }
                previousWasDigit = false
            } else {
                guard let value = character.hexDigitValue, value < radix, character.isASCII else { return nil }
                result.append(character)
                previousWasDigit = true
            }
        }
        return previousWasDigit ? result : nil
    }

    // MARK: - Strings

    private mutating func parseBasicString(key: String?) throws(TOMLError) -> String {
        let prefix = key.map { "key \"\($0)\": " } ?? ""
        index += 1
        var result = ""
        while true {
            guard let scalar = current, !atNewline else {
                throw TOMLError(line: line, key: key, message: prefix + "the string is not closed with a double quote on the same line")
            }
            index += 1
            switch scalar {
            case "\"":
                return result
            case "\\":
                guard let escape = current else { continue }
                index += 1
                switch escape {
                case "\"": result.unicodeScalars.append("\"")
                case "\\": result.unicodeScalars.append("\\")
                case "b": result.unicodeScalars.append("\u{08}")
                case "t": result.unicodeScalars.append("\t")
                case "n": result.unicodeScalars.append("\n")
                case "f": result.unicodeScalars.append("\u{0C}")
                case "r": result.unicodeScalars.append("\r")
                case "u", "U":
                    let width = escape == "u" ? 4 : 8
                    var hex = ""
                    for _ in 0..<width {
                        guard let digit = current, digit.properties.isASCIIHexDigit else { break }
                        hex.unicodeScalars.append(digit)
                        index += 1
                    }
                    guard hex.unicodeScalars.count == width, let code = UInt32(hex, radix: 16), let decoded = Unicode.Scalar(code) else {
                        throw TOMLError(
                            line: line, key: key, message: prefix + "invalid \\\(escape) escape; it needs \(width) hex digits of a valid character")
                    }
                    result.unicodeScalars.append(decoded)
                default:
                    throw TOMLError(line: line, key: key, message: prefix + "invalid escape sequence \"\\\(escape)\" in a string")
                }
            default:
                if scalar.properties.generalCategory == .control, scalar != "\t" {
                    throw TOMLError(line: line, key: key, message: prefix + "control characters in strings must be escaped")
                }
                result.unicodeScalars.append(scalar)
            }
        }
    }

    private mutating func parseLiteralString(key: String?) throws(TOMLError) -> String {
        let prefix = key.map { "key \"\($0)\": " } ?? ""
        index += 1
        var result = ""
        while true {
            guard let scalar = current, !atNewline else {
                throw TOMLError(line: line, key: key, message: prefix + "the string is not closed with a single quote on the same line")
            }
            index += 1
            if scalar == "'" { return result }
            if scalar.properties.generalCategory == .control, scalar != "\t" {
                throw TOMLError(line: line, key: key, message: prefix + "control characters are not allowed in literal strings")
            }
            result.unicodeScalars.append(scalar)
        }
    }

    // MARK: - Whitespace, comments, line ends

    private var current: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

    private func peek(_ offset: Int) -> Unicode.Scalar? {
        index + offset < scalars.count ? scalars[index + offset] : nil
    }

    private var atNewline: Bool {
        current == "\n" || (current == "\r" && peek(1) == "\n")
    }

    private mutating func consumeNewline() throws(TOMLError) {
        if current == "\r" {
            guard peek(1) == "\n" else { throw TOMLError(line: line, message: "a carriage return must be followed by a line feed") }
            index += 1
        }
        index += 1
        line += 1
    }

    private mutating func skipSpaces() {
        while current == " " || current == "\t" { index += 1 }
    }

    private mutating func skipComment() {
        while current != nil, !atNewline, current != "\r" { index += 1 }
    }

    private mutating func skipSpaceCommentsAndNewlines() throws(TOMLError) {
        while true {
            skipSpaces()
            if current == "#" {
                skipComment()
            } else if current == "\n" || current == "\r" {
                try consumeNewline()
            } else {
                return
            }
        }
    }

    /// After a header or a value only spaces and a comment may follow on the line.
    private mutating func endOfLine(context: String, key: String?) throws(TOMLError) {
        skipSpaces()
        if current == "#" { skipComment() }
        if current == nil { return }
        if current == "\n" || current == "\r" {
            try consumeNewline()
            return
        }
        let prefix = key.map { "key \"\($0)\": " } ?? ""
        throw TOMLError(line: line, key: key, message: prefix + "unexpected text \(context); expected the end of the line")
    }

    // MARK: - Character classes

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        ("0"..."9").contains(scalar)
    }

    private static func isBareKeyScalar(_ scalar: Unicode.Scalar) -> Bool {
        ("A"..."Z").contains(scalar) || ("a"..."z").contains(scalar) || isDigit(scalar) || scalar == "_" || scalar == "-"
    }

    private static func isValueWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        isBareKeyScalar(scalar) || scalar == "+" || scalar == "." || scalar == ":"
    }
}
