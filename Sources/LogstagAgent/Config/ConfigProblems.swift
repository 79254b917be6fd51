/// Every problem found in one configuration file, thrown at once so a person can fix them all
/// in one pass.
///
/// Contract: `problems` is non-empty and sorted by line; `description` has one problem per line.
public struct ConfigProblems: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [ConfigProblem]

    public init(_ problems: [ConfigProblem]) {
        self.problems = problems
    }

    public var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}
