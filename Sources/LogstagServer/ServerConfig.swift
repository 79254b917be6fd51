import Foundation
import LogstagCore

/// The server's configuration: defaults, then the TOML file (`--config`), then `LOGSTAG_*`
/// environment variables, then command-line flags; validated once at start.
///
/// Keys (section `[server]`; environment variable in brackets):
/// - `listen` ("127.0.0.1:8080") [LOGSTAG_LISTEN]: address and port to bind.
/// - `public_url` ("" = http(s)://listen) [LOGSTAG_PUBLIC_URL]: the URL people and agents use; install commands point here.
/// - `data_dir` ("./logstag-data") [LOGSTAG_DATA_DIR]: SQLite database and the server secret.
/// - `tls_certificate`, `tls_key` ("") [LOGSTAG_TLS_CERTIFICATE, LOGSTAG_TLS_KEY]: PEM files; both set = HTTPS (TLS 1.2+).
/// - `log_level` ("info") [LOGSTAG_LOG_LEVEL]: trace, debug, info, notice, warning, error, critical.
/// - `audit_retention_days` (30) [LOGSTAG_AUDIT_RETENTION_DAYS]: 1...3650.
/// - `raw_retention_days` (7), `minute_retention_days` (30), `hour_retention_days` (400)
///   [LOGSTAG_RAW_RETENTION_DAYS, ...]: how long raw samples (and snapshots), 1-minute and 1-hour
///   rollups are kept; each must keep at least as long as the finer one before it.
/// - `shutdown_grace_seconds` (10) [LOGSTAG_SHUTDOWN_GRACE_SECONDS]: how long in-flight requests may finish on SIGTERM.
public struct ServerConfig: Sendable, Equatable {
    public var host = "127.0.0.1"
    public var port = 8080
    public var publicURL = ""
    public var dataDir = "./logstag-data"
    public var tlsCertificate = ""
    public var tlsKey = ""
    public var logLevel = "info"
    public var auditRetentionDays = 30
    public var shutdownGraceSeconds = 10
    public var rawRetentionDays = 7
    public var minuteRetentionDays = 30
    public var hourRetentionDays = 400

    public init() {}

    public var tlsEnabled: Bool { !tlsCertificate.isEmpty }

    /// How long each resolution of series data is kept.
    public var retention: SeriesRetention {
        SeriesRetention(raw: Double(rawRetentionDays) * 86400, minute: Double(minuteRetentionDays) * 86400, hour: Double(hourRetentionDays) * 86400)
    }

    /// The externally visible base URL, without a trailing slash.
    public var baseURL: String {
        if !publicURL.isEmpty { return publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL }
        let shownHost = host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host
        return "\(tlsEnabled ? "https" : "http")://\(shownHost.contains(":") ? "[\(shownHost)]" : shownHost):\(port)"
    }

    static let keys = ["listen", "public_url", "data_dir", "tls_certificate", "tls_key", "log_level", "audit_retention_days",
                       "shutdown_grace_seconds", "raw_retention_days", "minute_retention_days", "hour_retention_days"]
    static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    /// A configuration problem; the message names the key (and the line, for file errors).
    public struct Problem: Error, CustomStringConvertible, Equatable {
        public let message: String
        public var description: String { message }
    }

    /// Builds the configuration from its four layers.
    /// - Parameters:
    ///   - fileText: the TOML file's text, when `--config` was given.
    ///   - fileName: shown in messages.
    ///   - environment: the process environment (only `LOGSTAG_*` keys are read).
    ///   - flags: values from the command line, keyed like the file.
    public static func load(fileText: String?, fileName: String = "config", environment: [String: String], flags: [String: String])
        throws(Problem) -> ServerConfig
    {
        var raw: [String: (value: String, origin: String)] = [:]
        if let fileText {
            do {
                let document = try TOMLDocument.parse(fileText)
                for table in document.tables {
                    guard table.name == "server" || (table.name.isEmpty && table.entries.isEmpty) else {
                        throw Problem(message: "\(fileName): line \(table.line): unknown section [\(table.name)]; the server reads only [server]")
                    }
                    let reader = TOMLSectionReader(table: table, allowedKeys: keys)
                    try reader.rejectUnknownKeys()
                    for entry in table.entries {
                        let text: String
                        switch entry.value {
                        case .string(let s): text = s
                        case .integer(let i): text = String(i)
                        default:
                            throw Problem(message: "\(fileName): line \(entry.line): key \"\(entry.key)\": expected a string or an integer")
                        }
                        raw[entry.key] = (text, "\(fileName): line \(entry.line): key \"\(entry.key)\"")
                    }
                }
            } catch let error as TOMLError {
                throw Problem(message: "\(fileName): \(error.description)")
            } catch let error as Problem {
                throw error
            } catch {
                throw Problem(message: "\(fileName): \(error)")
            }
        }
        for key in keys {
            let variable = "LOGSTAG_" + key.uppercased()
            if let value = environment[variable] { raw[key] = (value, "environment variable \(variable)") }
        }
        for (key, value) in flags {
            guard keys.contains(key) else { throw Problem(message: "unknown option for key \"\(key)\"") }
            raw[key] = (value, "option --\(key.replacingOccurrences(of: "_", with: "-"))")
        }
        var config = ServerConfig()
        for (key, (value, origin)) in raw {
            try config.apply(key: key, value: value, origin: origin)
        }
        guard config.tlsCertificate.isEmpty == config.tlsKey.isEmpty else {
            throw Problem(message: "key \"tls_certificate\" and key \"tls_key\" must be set together to enable HTTPS")
        }
        guard config.rawRetentionDays <= config.minuteRetentionDays, config.minuteRetentionDays <= config.hourRetentionDays else {
            throw Problem(message: "key \"raw_retention_days\" (\(config.rawRetentionDays)) <= key \"minute_retention_days\" (\(config.minuteRetentionDays)) <= key \"hour_retention_days\" (\(config.hourRetentionDays)) must hold")
        }
        return config
    }

    mutating func apply(key: String, value: String, origin: String) throws(Problem) {
        func integer(in range: ClosedRange<Int>) throws(Problem) -> Int {
            guard let number = Int(value.trimmingCharacters(in: .whitespaces)), range.contains(number) else {
                throw Problem(message: "\(origin): expected a whole number from \(range.lowerBound) to \(range.upperBound), got \"\(value)\"")
            }
            return number
        }
        switch key {
        case "listen":
            guard let (host, port) = Self.parseListen(value) else {
                throw Problem(message: "\(origin): expected HOST:PORT such as 127.0.0.1:8080, got \"\(value)\"")
            }
            self.host = host
            self.port = port
        case "public_url":
            guard value.isEmpty || value.hasPrefix("http://") || value.hasPrefix("https://"), !value.contains(" ") else {
                throw Problem(message: "\(origin): expected an http:// or https:// URL, got \"\(value)\"")
            }
            publicURL = value
        case "data_dir":
            guard !value.isEmpty else { throw Problem(message: "\(origin): must not be empty") }
            dataDir = value
        case "tls_certificate": tlsCertificate = value
        case "tls_key": tlsKey = value
        case "log_level":
            guard Self.logLevels.contains(value.lowercased()) else {
                throw Problem(message: "\(origin): expected one of \(Self.logLevels.joined(separator: ", ")), got \"\(value)\"")
            }
            logLevel = value.lowercased()
        case "audit_retention_days": auditRetentionDays = try integer(in: 1...3650)
        case "shutdown_grace_seconds": shutdownGraceSeconds = try integer(in: 1...300)
        case "raw_retention_days": rawRetentionDays = try integer(in: 1...90)
        case "minute_retention_days": minuteRetentionDays = try integer(in: 1...400)
        case "hour_retention_days": hourRetentionDays = try integer(in: 1...3650)
        default: throw Problem(message: "\(origin): unknown key")
        }
    }

    /// Parses `host:port`, `[v6]:port`; port 0 lets the OS choose (tests).
    static func parseListen(_ text: String) -> (String, Int)? {
        let value = text.trimmingCharacters(in: .whitespaces)
        guard let colon = value.lastIndex(of: ":") else { return nil }
        var host = String(value[..<colon])
        guard let port = Int(value[value.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, !host.contains(" ") else { return nil }
        return (host, port)
    }
}
