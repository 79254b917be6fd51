/// Small pieces of SQL text shared by the stores.
enum SQLText {
    /// "?, ?, ?" for an IN list or VALUES of `count` arguments.
    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }
}
