/// A rule catalogue that cannot be used.
///
/// Contract: `line` is 1-based (the key's line, or the table's header line for a missing key);
/// `section` names the table (`[rules.fsync_off]`), `ruleID` the rule when the error is in one,
/// `key` the key concerned. `description` is `line N: [table]: message`, and messages about a
/// key start with `key "name": `.
public struct HealthCatalogueError: Error, Sendable, Equatable, CustomStringConvertible {
    public let line: Int
    public let section: String?
    public let ruleID: String?
    public let key: String?
    public let message: String

    public init(line: Int, section: String? = nil, ruleID: String? = nil, key: String? = nil, message: String) {
        self.line = line
        self.section = section
        self.ruleID = ruleID
        self.key = key
        self.message = message
    }

    public var description: String {
        "line \(line): " + (section.map { "\($0): " } ?? "") + message
    }
}
