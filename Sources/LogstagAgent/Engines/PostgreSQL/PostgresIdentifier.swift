/// SQL identifier quoting for the fix statements shown to operators.
///
/// Contract: `quoted` always double-quotes and doubles embedded quotes, so the statement is
/// valid for any role or database name (including reserved words such as `user`).
enum PostgresIdentifier {
    static func quoted(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A PostgreSQL array literal (`{"a","b"}`) of `values`, for `= ANY($1::text[])`.
    static func arrayLiteral(_ values: [String]) -> String {
        let elements = values.map { value in
            "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        return "{" + elements.joined(separator: ",") + "}"
    }
}
