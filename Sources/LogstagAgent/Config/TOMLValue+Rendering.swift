import LogstagCore

extension TOMLValue {
    /// The value as TOML source that `TOMLDocument.parse` reads back as the same value.
    ///
    /// Contract: strings are basic strings with `"` and `\` escaped and every control
    /// character written as an escape (`\n`, `\t`, `\u0000`...), so any text, including a
    /// password with quotes, backslashes or line breaks, stays on one line and round-trips.
    public var tomlText: String {
        switch self {
        case .string(let text): TOMLRendering.basicString(text)
        case .integer(let number): String(number)
        case .float(let number):
            if number.isNaN {
                "nan"
            } else if number.isInfinite {
                number < 0 ? "-inf" : "inf"
            } else {
                // Swift prints 5.0 as "5.0" and 1e20 as "1e+20", both valid TOML floats.
                "\(number)"
            }
        case .bool(let flag): flag ? "true" : "false"
        case .array(let items): "[" + items.map(\.tomlText).joined(separator: ", ") + "]"
        }
    }
}

/// TOML source for keys and strings.
enum TOMLRendering {
    /// A key: bare when it only has `A-Z a-z 0-9 _ -`, otherwise quoted.
    static func key(_ key: String) -> String {
        let bare = !key.isEmpty
            && key.unicodeScalars.allSatisfy { scalar in
                switch scalar {
                case "A"..."Z", "a"..."z", "0"..."9", "_", "-": true
                default: false
                }
            }
        return bare ? key : basicString(key)
    }

    static func basicString(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            default:
                if scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}" {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    output += scalar.value > 0xFFFF
                        ? "\\U" + String(repeating: "0", count: max(0, 8 - hex.count)) + hex
                        : "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        return output + "\""
    }
}
