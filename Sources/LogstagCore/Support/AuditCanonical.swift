/// The canonical text of an audit entry, the input of the audit hash chain.
///
/// Contract: `canonicalLine` writes `key=value` pairs in the given order joined by `|`; in keys
/// and values `%`, `|`, `=`, CR and LF are percent-escaped (`%25 %7C %3D %0D %0A`), so the
/// line is injective: two different field lists never produce the same line. Deterministic
/// and locale-independent; changing it invalidates every stored chain.
public struct AuditCanonical: Sendable {
    /// The canonical line for `fields`, in order.
    public static func canonicalLine(fields: [(String, String)]) -> String {
        fields.map { escape($0.0) + "=" + escape($0.1) }.joined(separator: "|")
    }

    static func escape(_ text: String) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "%": result += "%25"
            case "|": result += "%7C"
            case "=": result += "%3D"
            case "\r": result += "%0D"
            case "\n": result += "%0A"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
