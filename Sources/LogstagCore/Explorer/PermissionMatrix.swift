import Foundation

/// One principal's line of the schema permission matrix (reference 2.6 "Permissions").
///
/// Contract: each privilege column counts the distinct objects of the schema on which the
/// principal holds that privilege; `objects` counts distinct objects with any grant (the schema
/// itself not included). Access: `full` when select, insert, update and delete are all held on
/// at least one object (`fullAccessObjects > 0`); `readOnly` when select is held and none of
/// insert, update, delete, truncate; `other` otherwise. A principal is a user when its role can
/// log in; PUBLIC and roles missing from `pg_roles` are roles.
public struct PermissionRow: Sendable, Equatable {
    public enum PrincipalType: String, Sendable {
        case user = "User"
        case role = "Role"
    }

    public enum Access: String, Sendable {
        case full = "Full access"
        case readOnly = "Read-only"
        case other = "Other"
    }

    public let principal: String
    public let type: PrincipalType
    public let select: Int
    public let insert: Int
    public let update: Int
    public let delete: Int
    public let truncate: Int
    public let execute: Int
    public let objects: Int
    /// Objects on which the principal holds select, insert, update and delete together.
    public let fullAccessObjects: Int

    public var access: Access {
        if fullAccessObjects > 0 { return .full }
        if select > 0 && insert == 0 && update == 0 && delete == 0 && truncate == 0 { return .readOnly }
        return .other
    }

    public init(
        principal: String, type: PrincipalType, select: Int, insert: Int, update: Int, delete: Int, truncate: Int,
        execute: Int, objects: Int, fullAccessObjects: Int
    ) {
        self.principal = principal
        self.type = type
        self.select = select
        self.insert = insert
        self.update = update
        self.delete = delete
        self.truncate = truncate
        self.execute = execute
        self.objects = objects
        self.fullAccessObjects = fullAccessObjects
    }
}

/// One explicit grant, for a principal's detail.
///
/// Contract: `privilege` is upper case as PostgreSQL names it; `objectType` as `pg_privileges` reports it.
public struct PermissionGrant: Sendable, Equatable {
    public let object: String
    public let objectType: String
    public let privilege: String
    public let grantor: String?
    public let grantable: Bool

    public init(object: String, objectType: String, privilege: String, grantor: String?, grantable: Bool) {
        self.object = object
        self.objectType = objectType
        self.privilege = privilege
        self.grantor = grantor
        self.grantable = grantable
    }
}

/// The permission matrix of one PostgreSQL schema, from `pg_privileges` and `pg_roles` rows.
///
/// Contract: only rows of the given database and schema count. Every grantee with a grant in
/// the schema has a row, sorted by principal; grants on the schema object itself (USAGE,
/// CREATE) give a principal its row but no matrix column. Rows are `[String: JSONValue]` as
/// ingested; booleans are accepted as JSON booleans, "t"/"true"/"yes"/"on"/"1" or non-zero numbers.
public struct PermissionMatrix: Sendable, Equatable {
    public let schema: String
    public let rows: [PermissionRow]

    public var users: Int { rows.count { $0.type == .user } }
    public var roles: Int { rows.count { $0.type == .role } }
    public var fullAccess: Int { rows.count { $0.access == .full } }
    public var readOnly: Int { rows.count { $0.access == .readOnly } }

    public init(schema: String, rows: [PermissionRow]) {
        self.schema = schema
        self.rows = rows
    }

    public static func build(
        schema: String, database: String, privileges: [[String: JSONValue]], roles: [[String: JSONValue]]
    ) -> PermissionMatrix {
        let canLogin = Dictionary(
            roles.compactMap { row in row["tag_role"]?.stringValue.map { ($0, flag(row["rolcanlogin"])) } },
            uniquingKeysWith: { first, _ in first })
        // principal -> object key -> privileges held on it
        var held: [String: [ObjectKey: Set<String>]] = [:]
        for row in privileges where isInScope(row, schema: schema, database: database) {
            guard let grantee = row["grantee"]?.stringValue, !grantee.isEmpty else { continue }
            let objectType = row["object_type"]?.stringValue ?? ""
            var objects = held[grantee, default: [:]]
            if objectType != "schema", let object = row["tag_object"]?.stringValue,
                let privilege = row["privilege_type"]?.stringValue
            {
                objects[ObjectKey(type: objectType, name: object), default: []].insert(privilege.uppercased())
            }
            held[grantee] = objects
        }
        let rows = held.map { principal, objects in
            func count(_ privilege: String) -> Int { objects.values.count { $0.contains(privilege) } }
            let isUser = principal != "PUBLIC" && canLogin[principal] == true
            return PermissionRow(
                principal: principal, type: isUser ? .user : .role, select: count("SELECT"), insert: count("INSERT"),
                update: count("UPDATE"), delete: count("DELETE"), truncate: count("TRUNCATE"), execute: count("EXECUTE"),
                objects: objects.count,
                fullAccessObjects: objects.values.count { $0.isSuperset(of: ["SELECT", "INSERT", "UPDATE", "DELETE"]) })
        }
        return PermissionMatrix(schema: schema, rows: rows.sorted { $0.principal < $1.principal })
    }

    /// A principal's grants in the schema, the schema object's own included, sorted by object, privilege, then grantor.
    public static func grants(
        principal: String, schema: String, database: String, privileges: [[String: JSONValue]]
    ) -> [PermissionGrant] {
        privileges
            .filter { isInScope($0, schema: schema, database: database) && $0["grantee"]?.stringValue == principal }
            .compactMap { row -> PermissionGrant? in
                guard let object = row["tag_object"]?.stringValue, let privilege = row["privilege_type"]?.stringValue else {
                    return nil
                }
                return PermissionGrant(
                    object: object, objectType: row["object_type"]?.stringValue ?? "", privilege: privilege.uppercased(),
                    grantor: row["grantor"]?.stringValue, grantable: flag(row["is_grantable"]))
            }
            .sorted { lhs, rhs in
                if lhs.object != rhs.object { return lhs.object < rhs.object }
                if lhs.privilege != rhs.privilege { return lhs.privilege < rhs.privilege }
                return (lhs.grantor ?? "") < (rhs.grantor ?? "")
            }
    }

    /// The roles a principal is a member of (`pg_roles.member_of`), sorted; none for PUBLIC or an unknown role.
    public static func memberships(principal: String, roles: [[String: JSONValue]]) -> [String] {
        guard let row = roles.first(where: { $0["tag_role"]?.stringValue == principal }) else { return [] }
        let names = (row["member_of"]?.stringValue ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        return Array(Set(names)).sorted()
    }

    private struct ObjectKey: Hashable {
        var type: String
        var name: String
    }

    private static func isInScope(_ row: [String: JSONValue], schema: String, database: String) -> Bool {
        row["tag_database"]?.stringValue == database && row["tag_schema"]?.stringValue == schema
    }

    /// A boolean column as the agent may send it: a JSON boolean, PostgreSQL text ("t") or a number.
    private static func flag(_ value: JSONValue?) -> Bool {
        switch value {
        case .bool(let flag)?: flag
        case .number(let number)?: number != 0
        case .string(let text)?: ["t", "true", "yes", "on", "1"].contains(text.lowercased())
        default: false
        }
    }
}
