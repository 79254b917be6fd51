/// What evaluating one rule produced: a finding with a status, or a coverage limitation.
///
/// Contract: a rule that could not be evaluated (signal unavailable, never collected, no value)
/// is a limitation, never a pass and never a zero.
public enum RuleOutcome: Sendable, Equatable {
    case finding(HealthFinding)
    case limitation(CoverageLimitation)

    public var finding: HealthFinding? {
        if case .finding(let finding) = self { finding } else { nil }
    }

    public var limitation: CoverageLimitation? {
        if case .limitation(let limitation) = self { limitation } else { nil }
    }
}
