/// The libpq keyword/value pairs for one session of a target.
///
/// Contract: built from a `TargetConfig` (`with(database:)` for another database of the
/// same server); `application_name` is `logstag-agent`; `options` makes every transaction
/// read-only and bounds statements, lock waits and idle transactions, and fixes `TimeZone`
/// and `DateStyle` so timestamps parse; `sslmode` defaults to `prefer`. The password is
/// revealed only into `keywordValuePairs` (which `PostgresConnection.open` hands to libpq);
/// `description` masks it.
struct PostgresConnectionParameters: Sendable, CustomStringConvertible {
    static let applicationName = "logstag-agent"
    /// Session default for statements that are not manifest signals (discovery, checks).
    static let defaultStatementTimeoutMs = 10_000
    static let lockTimeoutMs = 1_000
    static let idleInTransactionTimeoutMs = 60_000
    static let connectTimeoutSeconds = 10

    let host: String
    let port: Int
    private(set) var database: String
    let user: String
    private let password: SecretValue
    let sslMode: String
    let sslRootCert: String?
    /// `logstag-agent` for the agent; tests' admin sessions use another name so they are
    /// not mistaken for the agent's session.
    var applicationName = Self.applicationName

    init(target: TargetConfig) {
        host = target.host
        port = target.port
        database = target.databaseName
        user = target.username
        password = target.password
        sslMode = target.sslMode ?? "prefer"
        sslRootCert = target.sslRootCert
    }

    /// The same server and credentials, another database.
    func with(database: String) -> PostgresConnectionParameters {
        var copy = self
        copy.database = database
        return copy
    }

    /// The `options` startup parameter: server settings applied to the whole session.
    static var sessionOptions: String {
        [
            "-c default_transaction_read_only=on",
            "-c statement_timeout=\(defaultStatementTimeoutMs)",
            "-c lock_timeout=\(lockTimeoutMs)",
            "-c idle_in_transaction_session_timeout=\(idleInTransactionTimeoutMs)",
            "-c TimeZone=UTC",
            "-c DateStyle=ISO",
        ].joined(separator: " ")
    }

    /// The pairs passed to `PQconnectdbParams`, password included.
    var keywordValuePairs: [(keyword: String, value: String)] {
        var pairs: [(keyword: String, value: String)] = [
            ("host", host),
            ("port", String(port)),
            ("dbname", database),
            ("user", user),
            ("application_name", applicationName),
            ("connect_timeout", String(Self.connectTimeoutSeconds)),
            ("client_encoding", "UTF8"),
            ("sslmode", sslMode),
            ("options", Self.sessionOptions),
            // Notice a dead peer within about a minute instead of the kernel's two hours.
            ("keepalives", "1"),
            ("keepalives_idle", "30"),
            ("keepalives_interval", "10"),
            ("keepalives_count", "3"),
        ]
        if let sslRootCert { pairs.append(("sslrootcert", sslRootCert)) }
        if !password.isEmpty { pairs.append(("password", password.reveal())) }
        return pairs
    }

    /// Where this session goes, for messages: `user@host:port/database`.
    var description: String { "\(user)@\(host):\(port)/\(database)" }
}
