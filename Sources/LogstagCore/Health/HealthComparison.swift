/// The difference between two reports of the same asset (older `base`, newer `target`).
///
/// Contract: findings are matched by rule id; objects by kind + name; settings by name.
/// Built by `HealthComparer.compare(base:target:)`.
public struct HealthComparison: Codable, Sendable, Equatable {
    public var baseRunID: String
    public var targetRunID: String
    public var scoreBefore: Double?
    public var scoreAfter: Double?
    /// Non-healthy in target, healthy/absent/limitation in base.
    public var addedFindings: [FindingChange]
    /// Non-healthy in base, healthy/absent in target.
    public var removedFindings: [FindingChange]
    /// Non-healthy in both with a different status, value or object list.
    public var modifiedFindings: [FindingChange]
    public var addedObjects: [ScopeObject]
    public var removedObjects: [ScopeObject]
    public var modifiedObjects: [ScopeObject]
    public var changedSettings: [SettingChange]

    public init(
        baseRunID: String, targetRunID: String, scoreBefore: Double?, scoreAfter: Double?, addedFindings: [FindingChange],
        removedFindings: [FindingChange], modifiedFindings: [FindingChange], addedObjects: [ScopeObject],
        removedObjects: [ScopeObject], modifiedObjects: [ScopeObject], changedSettings: [SettingChange]
    ) {
        self.baseRunID = baseRunID
        self.targetRunID = targetRunID
        self.scoreBefore = scoreBefore
        self.scoreAfter = scoreAfter
        self.addedFindings = addedFindings
        self.removedFindings = removedFindings
        self.modifiedFindings = modifiedFindings
        self.addedObjects = addedObjects
        self.removedObjects = removedObjects
        self.modifiedObjects = modifiedObjects
        self.changedSettings = changedSettings
    }
}

public struct FindingChange: Codable, Sendable, Equatable {
    public var ruleID: String
    public var tab: HealthTab
    public var title: String
    public var before: FindingStatus?
    public var after: FindingStatus?
    public var resultBefore: String?
    public var resultAfter: String?

    public init(ruleID: String, tab: HealthTab, title: String, before: FindingStatus?, after: FindingStatus?, resultBefore: String?, resultAfter: String?) {
        self.ruleID = ruleID
        self.tab = tab
        self.title = title
        self.before = before
        self.after = after
        self.resultBefore = resultBefore
        self.resultAfter = resultAfter
    }
}

public struct SettingChange: Codable, Sendable, Equatable {
    public var name: String
    public var before: String?
    public var after: String?

    public init(name: String, before: String?, after: String?) {
        self.name = name
        self.before = before
        self.after = after
    }
}
