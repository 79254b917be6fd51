/// Escaping for HTML built in Swift (reports and charts), where Mustache's escaping does not apply.
///
/// Contract: `escape` makes any string safe as element text AND as a quoted attribute value;
/// `anchor` turns any string into a safe id/fragment (letters, digits, `-`, `_` only).
/// Report values come from monitored databases (object names, settings, query texts): every
/// one goes through `escape`, so a table called `<script>` stays text.
enum HTMLText {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            // Control characters other than tab and newlines have no business in a document.
            case "\u{0}"..."\u{8}", "\u{B}", "\u{C}", "\u{E}"..."\u{1F}", "\u{7F}": out += "\u{FFFD}"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    static func anchor(_ text: String) -> String {
        let mapped = text.lowercased().unicodeScalars.map { scalar -> Character in
            switch scalar {
            case "a"..."z", "0"..."9", "-", "_": Character(scalar)
            default: "-"
            }
        }
        return String(mapped)
    }
}
