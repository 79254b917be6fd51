import Foundation
import LogstagCore
import LogstagResources

/// The bundled rule catalogues (`Resources/health/<engine>.toml`), parsed once and cached.
///
/// Contract: `catalogue(for:)` answers `.unsupported` for engines without a catalogue file and
/// `.broken` when the embedded file does not parse (a build defect, reported, never a crash).
package enum HealthCatalogues {
    package enum Lookup: Sendable {
        case available(HealthCatalogue)
        case unsupported
        case broken(String)
    }

    /// The catalogue file of each engine family; Valkey is checked with the Redis rules.
    static func file(for engine: Engine) -> String? {
        switch engine {
        case .postgresql: "health/postgresql.toml"
        case .redis, .valkey: "health/redis.toml"
        case .mssql, .mongodb, .oracle: nil
        }
    }

    /// Parsed on first use (a static let is initialised once, thread-safely).
    private static let parsed: [String: Lookup] = {
        var all: [String: Lookup] = [:]
        for file in Set(Engine.allCases.compactMap(file(for:))) {
            guard let text = BundledResources.text(file) else {
                all[file] = .unsupported
                continue
            }
            do {
                all[file] = .available(try HealthCatalogue.parse(text))
            } catch {
                all[file] = .broken("\(file): \(error)")
            }
        }
        return all
    }()

    package static func catalogue(for engine: Engine) -> Lookup {
        guard let file = file(for: engine) else { return .unsupported }
        return parsed[file] ?? .unsupported
    }

    /// Engines whose catalogue is present and parses: the ones health checks can run for.
    static var supportedEngines: [Engine] {
        Engine.allCases.filter { if case .available = catalogue(for: $0) { true } else { false } }
    }
}
