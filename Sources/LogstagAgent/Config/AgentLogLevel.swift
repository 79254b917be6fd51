/// The agent's `log_level`: the reference's five values.
///
/// Contract: the raw value is the configuration spelling; `trace` is for investigations asked
/// for by support (it logs every request and signal).
public enum AgentLogLevel: String, CaseIterable, Sendable, Equatable {
    case error, warn, info, debug, trace
}
