import Foundation
import Hummingbird
import LogstagCore
import LogstagStorage

/// What every explorer page and API answer is about: the organisation's instances selected by
/// the instance filter (`instance=<asset id>`, repeatable; none = all) and the time window
/// (`window=1h|24h|7d|30d` or `from`/`to`).
///
/// Contract: an unknown or foreign instance id is a 400 naming it (never silently widened to
/// all instances); a bad window is a 400 naming the parameter. Only `view_databases` may read.
struct ExplorerScope {
    let orgID: String
    let window: TimeWindow
    let assets: [Asset]          // every asset of the organisation, by name
    let selectedIDs: [String]    // the filter as given (empty = all)
    let retention: SeriesRetention
    let now: Date

    /// The assets the page covers.
    var scoped: [Asset] { selectedIDs.isEmpty ? assets : assets.filter { selectedIDs.contains($0.id) } }
    var scopedIDs: [String] { scoped.map(\.id) }
    /// Raw samples older than this are deleted.
    var rawRetainedSince: Date { now.addingTimeInterval(-retention.raw) }

    func plan(rawStep: TimeInterval = 10, maxPoints: Int = 1000) -> SeriesReadPlan {
        SeriesReadPlan.plan(windowStart: window.start, windowEnd: window.end, now: now, retention: retention, maxPoints: maxPoints, rawStep: rawStep)
    }

    static func parse(_ request: Request, identity: Identity, services: AppServices, defaultPreset: TimeWindow.Preset = .hour) throws -> ExplorerScope {
        try identity.require(.viewDatabases)
        let query = request.uri.queryParameters
        let now = services.clock()
        let window: TimeWindow
        do {
            window = try TimeWindow.parse(
                window: query.get("window"), from: query.get("from"), to: query.get("to"), now: now, defaultPreset: defaultPreset)
        } catch {
            throw AppError.badRequest("invalid_\(error.parameter)", error.message)
        }
        let assets = try services.assets.all(orgID: identity.orgID)
        let known = Set(assets.map(\.id))
        let selected = query.getAll("instance").map { String($0) }.filter { !$0.isEmpty }
        if let unknown = selected.first(where: { !known.contains($0) }) {
            throw AppError.badRequest("invalid_instance", "instance \"\(unknown.prefix(64))\" is not an instance of this organisation.")
        }
        return ExplorerScope(orgID: identity.orgID, window: window, assets: assets, selectedIDs: selected, retention: services.config.retention, now: now)
    }

    /// JSON of the window for API answers.
    var windowJSON: [String: Any] {
        ["start": WireDate.format(window.start), "end": WireDate.format(window.end), "label": window.label, "preset": window.preset?.rawValue ?? NSNull()]
    }

    /// The filter bar's fields for templates. `keep`: the page's other choices (a tab, column
    /// filters, sort) that applying another window or instance must not drop; empty values are left out.
    func filterContext(path: String, keep: [String: String?] = [:]) -> [String: Any] {
        let kept = keep.compactMap { name, value in value.flatMap { $0.isEmpty ? nil : (name, $0) } }.sorted { $0.0 < $1.0 }
        let keptQuery = kept.map { "&\($0.0)=\(Self.queryEncode($0.1))" }.joined()
        let presets = TimeWindow.Preset.allCases.map { preset -> [String: Any] in
            ["value": preset.rawValue, "label": preset.label, "selected": window.preset == preset,
             "href": path + "?" + (["window=\(preset.rawValue)"] + selectedIDs.map { "instance=\($0)" }).joined(separator: "&") + keptQuery]
        }
        return [
            "keep": kept.map { ["name": $0.0, "value": $0.1] },
            "path": path, "presets": presets, "windowLabel": window.label, "custom": window.preset == nil,
            "from": WireDate.format(window.start), "to": WireDate.format(window.end),
            "instances": assets.map { ["id": $0.id, "name": $0.name, "selected": selectedIDs.contains($0.id)] },
            "query": window.queryString + selectedIDs.map { "&instance=\($0)" }.joined(),
        ]
    }

    static func queryEncode(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? value
    }
}
