/// libpq could not open a session.
///
/// Contract: `message` is libpq's text (it never contains the password); `neededPassword` is
/// libpq's `PQconnectionNeedsPassword`. `PostgresFailureClassifier` turns this into a
/// `DriverError`.
struct PostgresConnectError: Error, Sendable, Equatable {
    var message: String
    var neededPassword: Bool
}
