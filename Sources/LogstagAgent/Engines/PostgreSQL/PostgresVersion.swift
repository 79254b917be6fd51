/// Formats `server_version_num` values for people.
///
/// Contract: from PostgreSQL 10 on, `150020` is `15.20` (major and minor); older numbers such
/// as `90624` are `9.6.24`; zero or negative is `unknown`.
enum PostgresVersion {
    static func display(_ number: Int) -> String {
        guard number > 0 else { return "unknown" }
        if number >= 100_000 { return "\(number / 10_000).\(number % 10_000)" }
        return "\(number / 10_000).\(number / 100 % 100).\(number % 100)"
    }
}
