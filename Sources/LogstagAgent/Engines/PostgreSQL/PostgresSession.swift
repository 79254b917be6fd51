/// One open, read-only session of the agent on one database of a target.
///
/// Contract: `open` connects with `parameters` and runs
/// `SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY` on top of the
/// `default_transaction_read_only` startup option, so the session cannot write even if a
/// statement changes the default. `query(_:timeoutMs:)` sets `statement_timeout` first
/// when it differs from the session's current value. Failures keep their SQLSTATE; a
/// failure that broke the connection has `connectionLost` set.
final class PostgresSession {
    let parameters: PostgresConnectionParameters
    private let connection: PostgresConnection
    private var statementTimeoutMs = PostgresConnectionParameters.defaultStatementTimeoutMs

    private init(parameters: PostgresConnectionParameters, connection: PostgresConnection) {
        self.parameters = parameters
        self.connection = connection
    }

    static func open(_ parameters: PostgresConnectionParameters) throws(DriverError) -> PostgresSession {
        let connection: PostgresConnection
        do {
            connection = try PostgresConnection.open(parameters)
        } catch {
            throw PostgresFailureClassifier.driverError(connecting: parameters, error)
        }
        do {
            try connection.query("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        } catch {
            connection.close()
            throw DriverError(
                reason: .error,
                message: "PostgreSQL at \(parameters.host):\(parameters.port) accepted the login but the session could not be made read-only: \(error.description).")
        }
        return PostgresSession(parameters: parameters, connection: connection)
    }

    var database: String { parameters.database }
    var serverVersionNumber: Int { connection.serverVersionNumber }
    var backendPID: Int { connection.backendPID }
    var isBroken: Bool { connection.isBroken }

    /// Whether the server treats backslashes in plain string literals as ordinary characters.
    var standardConformingStrings: Bool { connection.parameterStatus("standard_conforming_strings") != "off" }

    /// Runs `sql` under a statement timeout of `timeoutMs` (the session default when nil).
    @discardableResult
    func query(_ sql: String, parameters values: [String?] = [], timeoutMs: Int? = nil) throws(PostgresQueryError) -> PostgresRows {
        let wanted = timeoutMs ?? PostgresConnectionParameters.defaultStatementTimeoutMs
        if wanted != statementTimeoutMs {
            try connection.query("SELECT set_config('statement_timeout', $1, false)", parameters: [String(wanted)])
            statementTimeoutMs = wanted
        }
        return try connection.query(sql, parameters: values)
    }

    func close() { connection.close() }
}
