/// Compares two reports of the same asset (see `HealthComparison`).
///
/// Contract: findings are matched by rule id. Added: non-healthy in `target`, healthy, absent
/// or a limitation in `base`. Removed: non-healthy in `base`, healthy or absent from the
/// findings of `target`. Modified: non-healthy in both with a different status, value or
/// object list. Finding changes keep the order of the report they come from (target for
/// added/modified, base for removed). Objects are matched by kind + name (modified: same
/// object, other fingerprint; the target's object is listed); settings by name (a setting
/// present on one side only has nil on the other). Objects and settings are sorted.
public enum HealthComparer {
    public static func compare(base: HealthReport, target: HealthReport) -> HealthComparison {
        let baseFindings = Dictionary(base.findings.map { ($0.ruleID, $0) }, uniquingKeysWith: { first, _ in first })
        let targetFindings = Dictionary(target.findings.map { ($0.ruleID, $0) }, uniquingKeysWith: { first, _ in first })
        func change(_ before: HealthFinding?, _ after: HealthFinding?) -> FindingChange {
            let finding = (after ?? before)!
            return FindingChange(
                ruleID: finding.ruleID, tab: finding.tab, title: finding.title, before: before?.status, after: after?.status,
                resultBefore: before?.result, resultAfter: after?.result)
        }
        var added: [FindingChange] = []
        var modified: [FindingChange] = []
        for after in target.findings where after.status != .healthy {
            guard let before = baseFindings[after.ruleID], before.status != .healthy else {
                added.append(change(baseFindings[after.ruleID], after))
                continue
            }
            if before.status != after.status || before.value != after.value || Set(before.objects) != Set(after.objects) {
                modified.append(change(before, after))
            }
        }
        let removed = base.findings.filter { before in
            before.status != .healthy && (targetFindings[before.ruleID].map { $0.status == .healthy } ?? true)
        }.map { change($0, targetFindings[$0.ruleID]) }

        let baseObjects = Dictionary(base.scope.objects.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        let targetObjects = Dictionary(target.scope.objects.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        let order: (ScopeObject, ScopeObject) -> Bool = { ($0.kind, $0.name) < ($1.kind, $1.name) }
        let addedObjects = target.scope.objects.filter { baseObjects[$0.key] == nil }.sorted(by: order)
        let removedObjects = base.scope.objects.filter { targetObjects[$0.key] == nil }.sorted(by: order)
        let modifiedObjects = target.scope.objects.filter { object in
            baseObjects[object.key].map { $0.fingerprint != object.fingerprint } ?? false
        }.sorted(by: order)

        let baseSettings = Dictionary(base.scope.settings.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        let targetSettings = Dictionary(target.scope.settings.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        let changedSettings = Set(baseSettings.keys).union(targetSettings.keys).sorted().compactMap { name -> SettingChange? in
            let before = baseSettings[name]
            let after = targetSettings[name]
            return before == after ? nil : SettingChange(name: name, before: before, after: after)
        }
        return HealthComparison(
            baseRunID: base.header.runID, targetRunID: target.header.runID, scoreBefore: base.score.overall, scoreAfter: target.score.overall,
            addedFindings: added, removedFindings: removed, modifiedFindings: modified, addedObjects: addedObjects,
            removedObjects: removedObjects, modifiedObjects: modifiedObjects, changedSettings: changedSettings)
    }
}
