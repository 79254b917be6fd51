import LogstagCore

/// Where the agent for an asset will run: the three choices of the wizard's setup step.
///
/// Contract: the same defaults as the web wizard (self-hosted, Linux, direct). Only
/// available options reach the server: planned ones are refused by `FlagValues`/the menus.
struct SetupChoice: Sendable, Equatable {
    var hosting: Hosting = .selfHosted
    var os: OperatingSystem = .linux
    var connection: ConnectionType = .direct
}
