import Foundation

/// A complete health-check report: what is wrong, why it matters, how sure we are, what to do.
///
/// Contract: Codable with snake_case keys through `WireCoding`; `findings` holds every rule
/// that could be evaluated (Healthy ones too, so a comparison can see a problem resolved);
/// rules that could not be evaluated are only in `limitations`. Scores follow `HealthScoring`.
public struct HealthReport: Codable, Sendable, Equatable {
    public var header: HealthReportHeader
    public var score: HealthScore
    public var findings: [HealthFinding]
    public var limitations: [CoverageLimitation]
    public var recommendations: [HealthRecommendation]
    public var charts: [ReportChart]
    public var scope: ReportScope

    public init(
        header: HealthReportHeader, score: HealthScore, findings: [HealthFinding], limitations: [CoverageLimitation],
        recommendations: [HealthRecommendation], charts: [ReportChart], scope: ReportScope
    ) {
        self.header = header
        self.score = score
        self.findings = findings
        self.limitations = limitations
        self.recommendations = recommendations
        self.charts = charts
        self.scope = scope
    }
}

/// "Health Check info": who, what, when and the verdict.
public struct HealthReportHeader: Codable, Sendable, Equatable {
    public var runID: String
    public var assetID: String
    public var instanceName: String
    public var engine: Engine
    public var version: String?
    public var platform: String?
    public var runStatus: HealthRunStatus
    /// "manual" or "schedule".
    public var trigger: String
    public var startedAt: Date
    public var finishedAt: Date?
    public var generatedAt: Date
    public var durationSeconds: Double
    /// The data window the report looks at (counter deltas and charts).
    public var windowStart: Date
    public var windowEnd: Date
    public var overallScore: Double
    public var result: HealthResult
    public var attentionCount: Int
    public var criticalCount: Int
    public var catalogueVersion: Int

    public init(
        runID: String, assetID: String, instanceName: String, engine: Engine, version: String?, platform: String?,
        runStatus: HealthRunStatus, trigger: String, startedAt: Date, finishedAt: Date?, generatedAt: Date,
        durationSeconds: Double, windowStart: Date, windowEnd: Date, overallScore: Double, result: HealthResult,
        attentionCount: Int, criticalCount: Int, catalogueVersion: Int
    ) {
        self.runID = runID
        self.assetID = assetID
        self.instanceName = instanceName
        self.engine = engine
        self.version = version
        self.platform = platform
        self.runStatus = runStatus
        self.trigger = trigger
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.generatedAt = generatedAt
        self.durationSeconds = durationSeconds
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.overallScore = overallScore
        self.result = result
        self.attentionCount = attentionCount
        self.criticalCount = criticalCount
        self.catalogueVersion = catalogueVersion
    }
}

/// Overall verdict: Healthy when the overall score is at least 60.
public enum HealthResult: String, Codable, Sendable {
    case healthy = "Healthy"
    case unhealthy = "Unhealthy"
}

/// Scores per tab and overall (DESIGN.md section 1).
public struct HealthScore: Codable, Sendable, Equatable {
    /// 0...100, nil when no tab has an evaluated check (then `result` is unhealthy: we saw nothing).
    public var overall: Double?
    public var result: HealthResult
    /// Only tabs with at least one evaluated check, in `HealthTab` order.
    public var tabs: [TabScore]

    public init(overall: Double?, result: HealthResult, tabs: [TabScore]) {
        self.overall = overall
        self.result = result
        self.tabs = tabs
    }
}

public struct TabScore: Codable, Sendable, Equatable {
    public var tab: HealthTab
    /// clamp(healthy/total*100 - 30*critical - 10*attention, 0, 100)
    public var score: Double
    public var healthy: Int
    public var attention: Int
    public var critical: Int
    /// Evaluated checks (healthy + attention + critical); limitations are not counted.
    public var total: Int
    /// Coverage limitations in this tab (shown, not scored).
    public var limitations: Int
    /// System Health UI band from healthy/total: >= 90 success, 70-89 warn, < 70 critical.
    public var band: TabBand

    public init(tab: HealthTab, score: Double, healthy: Int, attention: Int, critical: Int, total: Int, limitations: Int, band: TabBand) {
        self.tab = tab
        self.score = score
        self.healthy = healthy
        self.attention = attention
        self.critical = critical
        self.total = total
        self.limitations = limitations
        self.band = band
    }
}

public enum TabBand: String, Codable, Sendable {
    case success, warn, critical
}

/// One evaluated rule.
public struct HealthFinding: Codable, Sendable, Equatable {
    public var ruleID: String
    public var tab: HealthTab
    public var title: String
    public var status: FindingStatus
    /// The current value or outcome in words, e.g. "3 duplicate indexes (48 MB)".
    public var result: String
    /// The measured value (worst row for row rules), for deltas and comparisons.
    public var value: JSONValue?
    /// What was observed and where it comes from, e.g. "pg_indexes at 12:00 UTC: ...".
    public var evidence: String
    /// Why it matters.
    public var insight: String
    /// The thresholds in words, e.g. "attention above 80 %, critical above 90 %".
    public var threshold: String
    /// Change against the previous comparable report; nil when there is none.
    public var delta: FindingDelta?
    /// Offending rows (capped), empty when healthy.
    public var table: ResultTable
    /// Person-days to fix; nil when Healthy.
    public var effortDays: Double?
    /// Concrete SQL, commands or configuration lines.
    public var actions: [String]
    public var scope: String
    /// Names of the offending objects (all of them, for comparisons).
    public var objects: [String]
    /// Signals the rule read.
    public var signals: [String]

    public init(
        ruleID: String, tab: HealthTab, title: String, status: FindingStatus, result: String, value: JSONValue?,
        evidence: String, insight: String, threshold: String, delta: FindingDelta? = nil, table: ResultTable,
        effortDays: Double?, actions: [String], scope: String, objects: [String], signals: [String]
    ) {
        self.ruleID = ruleID
        self.tab = tab
        self.title = title
        self.status = status
        self.result = result
        self.value = value
        self.evidence = evidence
        self.insight = insight
        self.threshold = threshold
        self.delta = delta
        self.table = table
        self.effortDays = effortDays
        self.actions = actions
        self.scope = scope
        self.objects = objects
        self.signals = signals
    }
}

/// Rows behind a finding: the columns a rule shows, at most `ResultTable.maxRows` rows.
public struct ResultTable: Codable, Sendable, Equatable {
    public static let maxRows = 100
    public var columns: [String]
    public var rows: [[JSONValue]]
    /// Rows before capping.
    public var totalRows: Int

    public init(columns: [String] = [], rows: [[JSONValue]] = [], totalRows: Int = 0) {
        self.columns = columns
        self.rows = rows
        self.totalRows = totalRows
    }
}

public struct FindingDelta: Codable, Sendable, Equatable {
    public enum Change: String, Codable, Sendable {
        case new, worse, better, unchanged
    }
    public var previousRunID: String
    /// nil when the rule was a coverage limitation (or absent) last time.
    public var previousStatus: FindingStatus?
    public var previousValue: JSONValue?
    public var change: Change
    /// Objects that appeared / disappeared since the previous report.
    public var objectsAdded: Int
    public var objectsRemoved: Int

    public init(previousRunID: String, previousStatus: FindingStatus?, previousValue: JSONValue?, change: Change, objectsAdded: Int, objectsRemoved: Int) {
        self.previousRunID = previousRunID
        self.previousStatus = previousStatus
        self.previousValue = previousValue
        self.change = change
        self.objectsAdded = objectsAdded
        self.objectsRemoved = objectsRemoved
    }
}

/// A rule that could not be evaluated: listed with its reason, neither passes nor fails.
public struct CoverageLimitation: Codable, Sendable, Equatable {
    public enum Reason: String, Codable, Sendable {
        /// The monitoring user lacks a privilege.
        case permission
        /// The engine version or edition does not have it.
        case unsupported
        /// Collection of the signal is turned off.
        case disabled
        /// The signal failed for another reason.
        case error
        /// The signal has not been collected (yet), or the rows needed are not there.
        case noData = "no_data"
    }
    public var ruleID: String
    public var tab: HealthTab
    public var title: String
    public var reason: Reason
    /// A sentence for people, with the fix when there is one (e.g. the GRANT to run).
    public var message: String
    public var signals: [String]

    public init(ruleID: String, tab: HealthTab, title: String, reason: Reason, message: String, signals: [String]) {
        self.ruleID = ruleID
        self.tab = tab
        self.title = title
        self.reason = reason
        self.message = message
        self.signals = signals
    }
}

public struct HealthRecommendation: Codable, Sendable, Equatable {
    public enum Group: String, Codable, Sendable, CaseIterable {
        /// Critical findings: act now.
        case critical = "Critical"
        /// Attention findings in Performance and Configuration (or as the rule says).
        case optimization = "Optimization"
        /// Attention findings in Schema, Security and Maintenance (or as the rule says).
        case strategic = "Strategic"
    }
    public var group: Group
    public var ruleID: String
    public var title: String
    public var status: FindingStatus
    public var actions: [String]
    public var effortDays: Double?

    public init(group: Group, ruleID: String, title: String, status: FindingStatus, actions: [String], effortDays: Double?) {
        self.group = group
        self.ruleID = ruleID
        self.title = title
        self.status = status
        self.actions = actions
        self.effortDays = effortDays
    }
}

/// A performance trend over the report window (drawn as SVG by the server).
public struct ReportChart: Codable, Sendable, Equatable {
    public var id: String
    public var title: String
    /// percent, bytes, seconds, ms, count, per_second, ratio
    public var unit: String
    public var points: [ChartPoint]

    public init(id: String, title: String, unit: String, points: [ChartPoint]) {
        self.id = id
        self.title = title
        self.unit = unit
        self.points = points
    }
}

public struct ChartPoint: Codable, Sendable, Equatable {
    public var time: Date
    public var value: Double

    public init(time: Date, value: Double) {
        self.time = time
        self.value = value
    }
}

/// Schema objects and instance metadata at the time of the report.
public struct ReportScope: Codable, Sendable, Equatable {
    public static let maxObjects = 5000
    /// At most `maxObjects`, sorted by kind then name.
    public var objects: [ScopeObject]
    /// All objects before capping.
    public var totalObjects: Int
    public var truncated: Bool
    /// Counts per kind over all objects, sorted by kind. (Arrays, not dictionaries: the
    /// snake_case key strategy of `HealthCoding` would rewrite dictionary keys.)
    public var counts: [ScopeCount]
    /// Settings and properties sorted by name, for "changed settings" in comparisons.
    public var settings: [ScopeSetting]

    public init(objects: [ScopeObject] = [], totalObjects: Int = 0, truncated: Bool = false, counts: [ScopeCount] = [], settings: [ScopeSetting] = []) {
        self.objects = objects
        self.totalObjects = totalObjects
        self.truncated = truncated
        self.counts = counts
        self.settings = settings
    }
}

public struct ScopeObject: Codable, Sendable, Equatable, Hashable {
    /// table, index, view, function, sequence, schema, extension, role, ...
    public var kind: String
    /// Fully qualified, e.g. "shop.public.orders".
    public var name: String
    /// Short digest of the object's properties, to tell "modified" from "unchanged".
    public var fingerprint: String

    public init(kind: String, name: String, fingerprint: String) {
        self.kind = kind
        self.name = name
        self.fingerprint = fingerprint
    }
}

public struct ScopeCount: Codable, Sendable, Equatable {
    public var kind: String
    public var count: Int

    public init(kind: String, count: Int) {
        self.kind = kind
        self.count = count
    }
}

public struct ScopeSetting: Codable, Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
