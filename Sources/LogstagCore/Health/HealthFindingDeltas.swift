/// A finding's change against the same rule in the previous comparable report.
///
/// Contract: no previous finding (absent or a limitation last time) -> `new`, with every
/// current object counted as added. Otherwise a worse status is `worse`, a better one `better`;
/// with the same non-healthy status, more offending objects is worse and fewer better, then a
/// value further past the threshold (by the rule's direction) is worse; all else `unchanged`.
enum HealthFindingDeltas {
    static func delta(for finding: HealthFinding, rule: HealthRule?, previous: HealthReport) -> FindingDelta {
        guard let before = previous.findings.first(where: { $0.ruleID == finding.ruleID }) else {
            return FindingDelta(
                previousRunID: previous.header.runID, previousStatus: nil, previousValue: nil, change: .new,
                objectsAdded: Set(finding.objects).count, objectsRemoved: 0)
        }
        let now = Set(finding.objects)
        let then = Set(before.objects)
        return FindingDelta(
            previousRunID: previous.header.runID, previousStatus: before.status, previousValue: before.value,
            change: change(finding, before, rule: rule), objectsAdded: now.subtracting(then).count, objectsRemoved: then.subtracting(now).count)
    }

    private static func change(_ finding: HealthFinding, _ before: HealthFinding, rule: HealthRule?) -> FindingDelta.Change {
        if finding.status > before.status { return .worse }
        if finding.status < before.status { return .better }
        guard finding.status != .healthy else { return .unchanged }
        let now = Set(finding.objects).count
        let then = Set(before.objects).count
        if now != then { return now > then ? .worse : .better }
        if let higherIsWorse = rule?.worseWhenHigher, let current = finding.value.flatMap(HealthValueSemantics.number),
            let previous = before.value.flatMap(HealthValueSemantics.number), current != previous
        {
            return (current > previous) == higherIsWorse ? .worse : .better
        }
        return .unchanged
    }
}
