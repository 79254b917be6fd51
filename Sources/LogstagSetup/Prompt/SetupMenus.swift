import LogstagCore

/// The menus of setup mode, built from the LogstagCore enums the web wizard uses, so the
/// prompt and the UI offer and refuse exactly the same things.
///
/// Contract: every option's `key` is the value's raw identifier (what the API and the flags
/// take). Planned options (Azure, Google Cloud, Bridged) are listed with a refusal. `flagValue`
/// accepts only keys (case-insensitive) and names the flag and the valid values when it fails.
enum SetupMenus {
    /// Engines whose collectors ship in this agent build.
    static let enginesWithCollectors: Set<Engine> = [.postgresql, .redis, .valkey]

    static var engines: [MenuOption<Engine>] {
        Engine.allCases.map { engine in
            MenuOption(
                engine, label: engine.displayName, key: engine.rawValue,
                note: enginesWithCollectors.contains(engine) ? "collectors ready" : "registration only; collectors in a later release")
        }
    }

    static var environments: [MenuOption<AssetEnvironment>] {
        AssetEnvironment.allCases.map { MenuOption($0, label: $0.rawValue, key: $0.rawValue) }
    }

    static var hostings: [MenuOption<Hosting>] {
        let available = Hosting.allCases.filter(\.isAvailable).map(\.displayName).joined(separator: ", ")
        return Hosting.allCases.map { hosting in
            MenuOption(
                hosting, label: hosting.displayName, key: hosting.rawValue, note: hosting.isAvailable ? nil : "planned",
                refusal: hosting.isAvailable ? nil : "\(hosting.displayName) hosting is planned but not available yet; choose one of \(available).")
        }
    }

    static var connections: [MenuOption<ConnectionType>] {
        ConnectionType.allCases.map { connection in
            MenuOption(
                connection, label: connection.displayName, key: connection.rawValue,
                note: connection.isAvailable ? "the agent connects out to the server" : "not yet available",
                refusal: connection.isAvailable
                    ? nil : "The \(connection.displayName.lowercased()) connection type is not available yet; choose Direct.")
        }
    }

    static var operatingSystems: [MenuOption<OperatingSystem>] {
        OperatingSystem.allCases.map { MenuOption($0, label: $0.displayName, key: $0.rawValue) }
    }

    /// libpq `sslmode` values, safest last as in the libpq documentation.
    static let sslModes = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]

    static var sslModeOptions: [MenuOption<String>] {
        sslModes.map { mode in
            let note: String? =
                switch mode {
                case "prefer": "TLS when the server offers it; the libpq default"
                case "require": "always TLS, certificate not checked"
                case "verify-full": "TLS with certificate and host name checked"
                default: nil
                }
            return MenuOption(mode, label: mode, key: mode, note: note)
        }
    }

    /// The value a flag names, by key only; refuses planned options with their reason.
    static func flagValue<T>(_ raw: String, flag: String, in options: [MenuOption<T>]) throws(SetupStop) -> T {
        let wanted = raw.trimmingWhitespace.lowercased()
        guard let option = options.first(where: { $0.key?.lowercased() == wanted }) else {
            let keys = options.filter { $0.refusal == nil }.compactMap(\.key).joined(separator: ", ")
            throw .user("\(flag) \"\(raw.prefix(40))\" is not known; use one of: \(keys).")
        }
        if let refusal = option.refusal { throw .user("\(flag): \(refusal)") }
        return option.value
    }
}
