import Testing
import LogstagCore

struct RoleTests {
    /// ARCHITECTURE.md section 3, row by row.
    @Test func permissionTableMatchesArchitecture() {
        let table: [Permission: Set<Role>] = [
            .viewDatabases: [.owner, .admin, .dba, .developer],
            .manageDatabases: [.owner, .admin, .dba],
            .manageMembers: [.owner, .admin],
            .manageApiKeys: [.owner, .admin],
            .manageAgents: [.owner, .admin],
            .viewAuditLogs: [.owner],
            .transferOwnership: [.owner],
        ]
        #expect(table.count == Permission.allCases.count)
        for permission in Permission.allCases {
            for role in Role.allCases {
                #expect(role.has(permission) == table[permission]!.contains(role), "\(role) / \(permission)")
            }
        }
    }

    @Test func permissionRawValues() {
        #expect(Permission.allCases.map(\.rawValue) == [
            "view_databases", "manage_databases", "manage_members", "manage_api_keys", "manage_agents", "view_audit_logs",
            "transfer_ownership",
        ])
    }

    @Test func ownerIsNotAssignable() {
        #expect(Role.assignable == [.admin, .dba, .developer])
    }

    @Test func displayNames() {
        #expect(Role.allCases.map(\.displayName) == ["Account Owner", "Admin", "DBA", "Developer"])
    }
}
