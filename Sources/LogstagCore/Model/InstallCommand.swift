import Foundation

/// The one-line command that installs and enrolls an agent for one asset.
///
/// Contract: `make` returns a single line for the chosen operating system that downloads the
/// installer from the server and passes the server URL, the asset id and the platform. It
/// never contains the registration token: command lines are visible in `ps` and shell history,
/// so the installer reads the token from its prompt or from the file named by
/// `LOGSTAG_TOKEN_FILE` (see `tokenNote(for:)`). Every value outside `[A-Za-z0-9._:/-]` is
/// quoted for the target shell. Planned (unavailable) options are rejected with
/// `unavailable_option`.
public struct InstallCommand: Sendable {
    /// Builds the install command.
    /// - Parameters:
    ///   - serverURL: the server's public base URL (`http://` or `https://`); a trailing `/` is dropped.
    ///   - engine: the asset's engine; the installer learns the engine at enrollment, so today it
    ///     does not change the command.
    public static func make(
        serverURL: String, hosting: Hosting, os: OperatingSystem, connection: ConnectionType, assetID: String, engine: Engine
    ) throws(ValidationError) -> String {
        guard hosting.isAvailable else {
            throw ValidationError(
                code: "unavailable_option", field: "hosting", message: "\(hosting.displayName) hosting is planned but not available yet.")
        }
        guard connection.isAvailable else {
            throw ValidationError(
                code: "unavailable_option", field: "connection",
                message: "The \(connection.displayName.lowercased()) connection type is planned but not available yet.")
        }
        var server = serverURL
        while server.hasSuffix("/") { server.removeLast() }
        let lowered = server.lowercased()
        let scheme = lowered.hasPrefix("https://") ? "https://" : lowered.hasPrefix("http://") ? "http://" : nil
        guard let scheme, server.count > scheme.count,
            !server.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0.properties.isWhitespace })
        else {
            throw ValidationError(
                code: "invalid_url", field: "server_url", message: "The server URL must start with http:// or https:// and contain no spaces.")
        }
        guard !assetID.isEmpty, !assetID.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw ValidationError(code: "invalid_asset", field: "asset_id", message: "The asset id must be a non-empty single line.")
        }
        let platform = hosting.rawValue
        switch os {
        case .linux:
            return "curl -fsSL \(sh(server + "/install.sh")) | sudo LOGSTAG_SERVER=\(sh(server)) LOGSTAG_ASSET=\(sh(assetID))"
                + " LOGSTAG_PLATFORM=\(sh(platform)) sh -s -- agent"
        case .windows:
            let script = "$env:TEMP\\logstag-install.ps1"
            return "Invoke-WebRequest -UseBasicParsing \(ps(server + "/install.ps1")) -OutFile \(script); & \(script)"
                + " -Server \(ps(server)) -Asset \(ps(assetID)) -Platform \(ps(platform))"
        }
    }

    /// The sentence shown under the command: how the installer receives the registration token.
    public static func tokenNote(for os: OperatingSystem) -> String {
        switch os {
        case .linux:
            "The installer asks for the registration token; to run it unattended, write the token to a file readable only by root and add LOGSTAG_TOKEN_FILE=<path> after sudo. The token is never put on the command line, where ps and shell history would show it."
        case .windows:
            "The installer asks for the registration token; to run it unattended, write the token to a file only Administrators can read and set $env:LOGSTAG_TOKEN_FILE to its path first. The token is never put on the command line, where process listings and history would show it."
        }
    }

    /// Whether `value` needs no quoting in either shell.
    static func isSafe(_ value: String) -> Bool {
        !value.isEmpty
            && value.unicodeScalars.allSatisfy { scalar in
                switch scalar {
                case "A"..."Z", "a"..."z", "0"..."9", ".", "_", ":", "/", "-": true
                default: false
                }
            }
    }

    /// `value` as one POSIX shell word.
    static func sh(_ value: String) -> String {
        isSafe(value) ? value : "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// `value` as one PowerShell argument (single-quoted; PowerShell also treats the typographic
    /// single quotes as quote characters, so they are doubled as well).
    static func ps(_ value: String) -> String {
        guard !isSafe(value) else { return value }
        var quoted = "'"
        for character in value {
            if ["'", "\u{2018}", "\u{2019}", "\u{201A}", "\u{201B}"].contains(character) { quoted.append(character) }
            quoted.append(character)
        }
        return quoted + "'"
    }
}
