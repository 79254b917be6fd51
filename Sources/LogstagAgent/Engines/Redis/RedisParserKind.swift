/// How the reply of a Redis signal's command becomes rows; the manifest's `parser` key.
///
/// Contract: `info` makes one row of the `key:value` lines of an INFO section; the
/// `info_keyspace`, `info_commandstats` and `info_errorstats` parsers make one row per line,
/// labelled by database, command or error prefix; `dbsize` one row for the configured
/// database; `role` a summary row plus one row per replica; `client_list` one row per client;
/// `slowlog` one row per entry (command name and first argument only); `latency_latest` one
/// row per event; `memory_stats` and `config_get` one row of name/value pairs; `acl` one row
/// per user (the driver sends the signal's `per_user_command` for each name ACL USERS gives).
public enum RedisParserKind: String, CaseIterable, Sendable {
    case info
    case infoKeyspace = "info_keyspace"
    case infoCommandstats = "info_commandstats"
    case infoErrorstats = "info_errorstats"
    case dbsize
    case role
    case clientList = "client_list"
    case slowlog
    case latencyLatest = "latency_latest"
    case memoryStats = "memory_stats"
    case configGet = "config_get"
    case acl
}
