import Testing
import LogstagCore

struct PermissionMatrixTests {
    static func grant(
        _ object: String, _ type: String, _ grantee: String, _ privilege: String, schema: String = "sales",
        database: String = "shop", grantor: String = "owner", grantable: JSONValue = false
    ) -> [String: JSONValue] {
        [
            "tag_database": .string(database), "tag_schema": .string(schema), "tag_object": .string(object),
            "object_type": .string(type), "grantee": .string(grantee), "grantor": .string(grantor),
            "privilege_type": .string(privilege), "is_grantable": grantable,
        ]
    }

    static func role(_ name: String, login: Bool, memberOf: String = "") -> [String: JSONValue] {
        ["tag_role": .string(name), "rolcanlogin": .bool(login), "rolsuper": false, "member_of": .string(memberOf)]
    }

    static let roles: [[String: JSONValue]] = [
        role("app_reader", login: true),
        role("app_writer", login: false),
        role("report_user", login: true, memberOf: "app_reader,analytics"),
        role("owner", login: false),
    ]

    static let privileges: [[String: JSONValue]] =
        [
            // A read-only login user.
            grant("sales", "schema", "app_reader", "USAGE"),
            grant("orders", "table", "app_reader", "SELECT"),
            grant("customers", "view", "app_reader", "SELECT"),
            // A role with full access to orders (granted twice by different grantors: still one object).
            grant("orders", "table", "app_writer", "SELECT", grantable: true),
            grant("orders", "table", "app_writer", "SELECT", grantor: "postgres"),
            grant("orders", "table", "app_writer", "INSERT", grantable: "t"),
            grant("orders", "table", "app_writer", "UPDATE"),
            grant("orders", "table", "app_writer", "DELETE"),
            grant("orders", "table", "app_writer", "TRUNCATE"),
            grant("customers", "view", "app_writer", "SELECT"),
            grant("customers", "view", "app_writer", "INSERT"),
            grant("order_seq", "sequence", "app_writer", "USAGE"),
            grant("order_seq", "sequence", "app_writer", "UPDATE"),
            grant("total_for(integer)", "function", "app_writer", "EXECUTE"),
            grant("archive_orders()", "procedure", "app_writer", "EXECUTE"),
            grant("sales", "schema", "app_writer", "CREATE"),
            // PUBLIC may run one function.
            grant("total_for(integer)", "function", "PUBLIC", "EXECUTE"),
            // A login user that reads and inserts but cannot update or delete.
            grant("customers", "view", "report_user", "SELECT"),
            grant("customers", "view", "report_user", "INSERT"),
            // Principals missing from pg_roles (dropped since, or not collected yet).
            grant("sales", "schema", "ghost", "USAGE"),
            grant("orders", "table", "legacy_login", "SELECT"),
        ]
        + [
            // Another schema and another database: ignored, or app_reader would not be read-only.
            grant("salaries", "table", "app_reader", "INSERT", schema: "hr"),
            grant("orders", "table", "app_reader", "DELETE", database: "shop_archive"),
            grant("salaries", "table", "hr_only", "SELECT", schema: "hr"),
        ]

    static func matrix() -> PermissionMatrix {
        PermissionMatrix.build(schema: "sales", database: "shop", privileges: privileges, roles: roles)
    }

    static func row(_ principal: String) throws -> PermissionRow {
        try #require(matrix().rows.first { $0.principal == principal }, "no row for \(principal)")
    }

    @Test func rowsCoverEveryGranteeOfTheSchemaSortedByPrincipal() {
        let matrix = Self.matrix()
        #expect(matrix.schema == "sales")
        #expect(matrix.rows.map(\.principal) == ["PUBLIC", "app_reader", "app_writer", "ghost", "legacy_login", "report_user"])
    }

    @Test func readOnlyUser() throws {
        let row = try Self.row("app_reader")
        #expect(row.type == .user)
        #expect([row.select, row.insert, row.update, row.delete, row.truncate, row.execute] == [2, 0, 0, 0, 0, 0])
        #expect(row.objects == 2)
        #expect(row.access == .readOnly)
        #expect(row.access.rawValue == "Read-only")
    }

    @Test func fullAccessRole() throws {
        let row = try Self.row("app_writer")
        #expect(row.type == .role)
        #expect([row.select, row.insert, row.update, row.delete, row.truncate, row.execute] == [2, 2, 2, 1, 1, 2])
        #expect(row.objects == 5)
        #expect(row.fullAccessObjects == 1)
        #expect(row.access == .full)
    }

    @Test func writerWithoutDeleteIsNeitherFullNorReadOnly() throws {
        let row = try Self.row("report_user")
        #expect(row.type == .user)
        #expect([row.select, row.insert, row.delete] == [1, 1, 0])
        #expect(row.access == .other)
    }

    @Test func publicIsARoleWithExecute() throws {
        let row = try Self.row("PUBLIC")
        #expect(row.type == .role)
        #expect(row.execute == 1)
        #expect(row.select == 0)
        #expect(row.objects == 1)
        #expect(row.access == .other)
    }

    @Test func schemaGrantsGiveARowButNoMatrixColumn() throws {
        let row = try Self.row("ghost")
        #expect(row.type == .role)
        #expect([row.select, row.insert, row.update, row.delete, row.truncate, row.execute] == [0, 0, 0, 0, 0, 0])
        #expect(row.objects == 0)
    }

    @Test func principalMissingFromRolesIsARole() throws {
        let row = try Self.row("legacy_login")
        #expect(row.type == .role)
        #expect(row.access == .readOnly)
    }

    @Test func otherSchemasAndDatabasesAreIgnored() {
        #expect(!Self.matrix().rows.contains { $0.principal == "hr_only" })
        let hr = PermissionMatrix.build(schema: "hr", database: "shop", privileges: Self.privileges, roles: Self.roles)
        #expect(hr.rows.map(\.principal) == ["app_reader", "hr_only"])
        let archive = PermissionMatrix.build(schema: "sales", database: "shop_archive", privileges: Self.privileges, roles: Self.roles)
        #expect(archive.rows.map(\.principal) == ["app_reader"])
        #expect(archive.rows.first?.delete == 1)
    }

    @Test func tilesCountUsersRolesAndAccess() {
        let matrix = Self.matrix()
        #expect(matrix.users == 2)  // app_reader, report_user
        #expect(matrix.roles == 4)  // PUBLIC, app_writer, ghost, legacy_login
        #expect(matrix.fullAccess == 1)  // app_writer
        #expect(matrix.readOnly == 2)  // app_reader, legacy_login
    }

    @Test func emptyInputsGiveAnEmptyMatrix() {
        let matrix = PermissionMatrix.build(schema: "sales", database: "shop", privileges: [], roles: Self.roles)
        #expect(matrix.rows.isEmpty)
        #expect((matrix.users, matrix.roles, matrix.fullAccess, matrix.readOnly) == (0, 0, 0, 0))
    }

    @Test func grantsOfAPrincipalAreSortedWithMetadata() {
        let grants = PermissionMatrix.grants(principal: "app_writer", schema: "sales", database: "shop", privileges: Self.privileges)
        #expect(grants.map(\.object) == [
            "archive_orders()", "customers", "customers", "order_seq", "order_seq", "orders", "orders", "orders", "orders",
            "orders", "orders", "sales", "total_for(integer)",
        ])
        #expect(grants.filter { $0.object == "orders" }.map(\.privilege) == ["DELETE", "INSERT", "SELECT", "SELECT", "TRUNCATE", "UPDATE"])
        let selects = grants.filter { $0.object == "orders" && $0.privilege == "SELECT" }
        #expect(selects.map(\.grantor) == ["owner", "postgres"])
        #expect(selects.map(\.grantable) == [true, false])
        #expect(grants.first { $0.privilege == "INSERT" && $0.object == "orders" }?.grantable == true)
        #expect(grants.first { $0.object == "sales" } == PermissionGrant(object: "sales", objectType: "schema", privilege: "CREATE", grantor: "owner", grantable: false))
        #expect(grants.first?.objectType == "procedure")
    }

    @Test func grantsIgnoreOtherSchemasDatabasesAndPrincipals() {
        let grants = PermissionMatrix.grants(principal: "app_reader", schema: "sales", database: "shop", privileges: Self.privileges)
        #expect(grants.map { "\($0.object):\($0.privilege)" } == ["customers:SELECT", "orders:SELECT", "sales:USAGE"])
        #expect(PermissionMatrix.grants(principal: "nobody", schema: "sales", database: "shop", privileges: Self.privileges).isEmpty)
    }

    @Test func membershipsComeFromMemberOf() {
        #expect(PermissionMatrix.memberships(principal: "report_user", roles: Self.roles) == ["analytics", "app_reader"])
        #expect(PermissionMatrix.memberships(principal: "app_reader", roles: Self.roles) == [])
        #expect(PermissionMatrix.memberships(principal: "PUBLIC", roles: Self.roles) == [])
        #expect(PermissionMatrix.memberships(principal: "ghost", roles: Self.roles) == [])
    }
}
