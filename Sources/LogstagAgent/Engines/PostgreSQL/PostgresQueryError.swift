/// A statement the server (or libpq) refused.
///
/// Contract: `sqlState` is the five-character SQLSTATE when the server sent one (nil for
/// client-side failures); `message` is the primary message without credentials (libpq never
/// echoes a password); `connectionLost` is true when libpq reports the connection as bad
/// afterwards, in which case the session is gone.
struct PostgresQueryError: Error, Sendable, Equatable, CustomStringConvertible {
    var sqlState: String?
    var message: String
    var connectionLost: Bool

    var description: String {
        if let sqlState { "\(message) (SQLSTATE \(sqlState))" } else { message }
    }
}
