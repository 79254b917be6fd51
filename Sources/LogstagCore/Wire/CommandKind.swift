/// What an agent command asks the agent to do.
///
/// Contract: `connection_test` runs the prerequisite checks against the asset's target and
/// answers with a `ConnectionTestResult`; `snapshot` collects every tier once right away.
public enum CommandKind: String, CaseIterable, Codable, Sendable {
    case connectionTest = "connection_test"
    case snapshot
}
