/// A member's role in an organisation and the permissions it grants.
///
/// Contract: the mapping follows ARCHITECTURE.md section 3 exactly. Exactly one member of an
/// organisation is `owner`; that role is reached only by an ownership transfer, so it is not in
/// `assignable`.
public enum Role: String, CaseIterable, Codable, Sendable {
    case owner, admin, dba, developer

    /// The role's name as shown in the UI.
    public var displayName: String {
        switch self {
        case .owner: "Account Owner"
        case .admin: "Admin"
        case .dba: "DBA"
        case .developer: "Developer"
        }
    }

    /// Every permission this role grants.
    public var permissions: Set<Permission> {
        switch self {
        case .owner:
            Set(Permission.allCases)
        case .admin:
            [.viewDatabases, .manageDatabases, .manageMembers, .manageApiKeys, .manageAgents]
        case .dba:
            [.viewDatabases, .manageDatabases]
        case .developer:
            [.viewDatabases]
        }
    }

    /// Whether this role grants `permission`.
    public func has(_ permission: Permission) -> Bool {
        permissions.contains(permission)
    }

    /// The roles that can be given by an invitation or a role change.
    public static let assignable: [Role] = [.admin, .dba, .developer]
}
