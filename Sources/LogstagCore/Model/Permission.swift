/// One thing a member of an organisation may be allowed to do.
///
/// Contract: access checks are made by permission, never by role name, so roles can grow.
/// The raw value is the stable snake_case name used in the API and documentation.
public enum Permission: String, CaseIterable, Codable, Sendable {
    case viewDatabases = "view_databases"
    case manageDatabases = "manage_databases"
    case manageMembers = "manage_members"
    case manageApiKeys = "manage_api_keys"
    case manageAgents = "manage_agents"
    case viewAuditLogs = "view_audit_logs"
    case transferOwnership = "transfer_ownership"
}
