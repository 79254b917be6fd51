import Foundation
import LogstagCore
import Testing

/// `SchemaDiff.changes` over hand-built PostgreSQL schema snapshots (rows shaped like the
/// collector's pg_tables, pg_columns, pg_indexes, pg_constraints, pg_privileges and pg_roles).
@Suite("Schema changes: diffing consecutive snapshots")
struct SchemaChangeDetectionTests {
    typealias Row = [String: JSONValue]
    typealias Snapshot = [String: [Row]]

    static let at = Date(timeIntervalSince1970: 1_780_315_200)

    // MARK: row builders (statistics included, with values that differ per call site where it matters)

    static func table(_ name: String, owner: String = "app", schema: String = "public", database: String = "shop", liveTuples: Int = 0) -> Row {
        [
            "tag_database": .string(database), "tag_schema": .string(schema), "tag_table": .string(name), "table_type": "table",
            "owner": .string(owner), "table_bytes": 8192, "total_bytes": 16384, "rows_estimate": .number(Double(liveTuples)),
            "n_live_tup": .number(Double(liveTuples)), "n_dead_tup": 0, "seq_scan": 3, "frozenxid_age": 1200,
            "has_primary_key": true, "unlogged": false, "is_partition": false,
        ]
    }

    static func column(
        _ table: String, _ name: String, type: String, notNull: Bool = false, default value: String? = nil, position: Int,
        schema: String = "public", database: String = "shop"
    ) -> Row {
        [
            "tag_database": .string(database), "tag_schema": .string(schema), "tag_table": .string(table), "tag_column": .string(name),
            "data_type": .string(type), "not_null": .bool(notNull), "default_value": value.map { .string($0) } ?? .null,
            "position": .number(Double(position)),
        ]
    }

    static func index(_ table: String, _ name: String, definition: String, unique: Bool = false, primary: Bool = false, scans: Int = 0) -> Row {
        [
            "tag_database": "shop", "tag_schema": "public", "tag_table": .string(table), "tag_index": .string(name), "method": "btree",
            "size_bytes": 8192, "idx_scan": .number(Double(scans)), "idx_tup_read": .number(Double(scans * 10)), "valid": true,
            "is_unique": .bool(unique), "is_primary": .bool(primary), "definition": .string(definition), "duplicate_of": .null,
        ]
    }

    static func constraint(_ table: String, _ name: String, type: String, definition: String, references: String? = nil) -> Row {
        [
            "tag_database": "shop", "tag_schema": "public", "tag_table": .string(table), "tag_constraint": .string(name),
            "constraint_type": .string(type), "definition": .string(definition), "validated": true, "deferrable": false,
            "references_table": references.map { .string($0) } ?? .null,
        ]
    }

    static func grant(
        _ object: String, to grantee: String, _ privilege: String, type: String = "table", grantor: String = "app", grantable: Bool = false,
        schema: String = "public"
    ) -> Row {
        [
            "tag_database": "shop", "tag_schema": .string(schema), "tag_object": .string(object), "object_type": .string(type),
            "grantee": .string(grantee), "grantor": .string(grantor), "privilege_type": .string(privilege), "is_grantable": .bool(grantable),
        ]
    }

    static func role(_ name: String, memberOf: String, login: Bool = true) -> Row {
        ["tag_role": .string(name), "rolcanlogin": .bool(login), "rolconnlimit": -1, "member_of": .string(memberOf)]
    }

    /// (type, object, action) triples, the shape most assertions compare.
    static func summary(_ changes: [SchemaChange]) -> [String] {
        changes.map { "\($0.objectType.rawValue) \($0.object) \($0.action.rawValue)" }
    }

    static func diff(_ previous: Snapshot, _ current: Snapshot) -> [SchemaChange] {
        SchemaDiff.changes(previous: previous, current: current, detectedAt: at)
    }

    // MARK: tests

    @Test("a table created, altered and dropped across consecutive snapshots, with its columns, indexes and constraints")
    func tableLifecycle() throws {
        let customers = Self.table("customers")
        let customerID = Self.column("customers", "id", type: "bigint", notNull: true, position: 1)
        let base: Snapshot = [
            "pg_tables": [customers], "pg_columns": [customerID], "pg_indexes": [], "pg_constraints": [], "pg_views": [],
            "pg_functions": [], "pg_sequences": [],
        ]
        var created = base
        created["pg_tables"]! += [Self.table("orders")]
        created["pg_columns"]! += [
            Self.column("orders", "id", type: "bigint", notNull: true, position: 1),
            Self.column("orders", "amount", type: "integer", position: 2),
        ]
        created["pg_indexes"] = [Self.index("orders", "orders_pkey", definition: "CREATE UNIQUE INDEX orders_pkey ON public.orders USING btree (id)", unique: true, primary: true)]
        created["pg_constraints"] = [Self.constraint("orders", "orders_pkey", type: "primary key", definition: "PRIMARY KEY (id)")]

        var altered = base
        altered["pg_tables"]! += [Self.table("orders", owner: "admin", liveTuples: 500)]
        altered["pg_columns"]! += [
            Self.column("orders", "id", type: "bigint", notNull: true, position: 1),
            Self.column("orders", "amount", type: "numeric(12,2)", notNull: true, default: "0", position: 2),
            Self.column("orders", "customer_id", type: "bigint", position: 3),
        ]
        altered["pg_indexes"] = [
            Self.index("orders", "orders_pkey", definition: "CREATE UNIQUE INDEX orders_pkey ON public.orders USING btree (id)", unique: true, primary: true),
            Self.index("orders", "orders_customer_idx", definition: "CREATE INDEX orders_customer_idx ON public.orders USING btree (customer_id)"),
        ]
        altered["pg_constraints"] = [
            Self.constraint("orders", "orders_pkey", type: "primary key", definition: "PRIMARY KEY (id)"),
            Self.constraint("orders", "orders_customer_fk", type: "foreign key", definition: "FOREIGN KEY (customer_id) REFERENCES customers(id)", references: "customers"),
        ]

        let creation = Self.diff(base, created)
        #expect(Self.summary(creation) == [
            "table public.orders Added",
            "column public.orders.amount Added",
            "column public.orders.id Added",
            "index public.orders_pkey Added",
            "constraint public.orders.orders_pkey Added",
        ])
        #expect(creation.allSatisfy { $0.database == "shop" && $0.schema == "public" && $0.detectedAt == Self.at })
        // Columns, indexes and constraints take their table's owner.
        #expect(creation.allSatisfy { $0.user == "app" })

        let alteration = Self.diff(created, altered)
        #expect(Self.summary(alteration) == [
            "table public.orders Modified",
            "column public.orders.amount Modified",
            "column public.orders.customer_id Added",
            "index public.orders_customer_idx Added",
            "foreign key public.orders.orders_customer_fk Added",
        ])
        let tableChange = try #require(alteration.first)
        #expect(tableChange.properties == [.init(property: "owner", old: "app", new: "admin")])
        #expect(tableChange.user == "admin")
        let amount = try #require(alteration.first { $0.object == "public.orders.amount" })
        #expect(amount.properties == [
            .init(property: "data_type", old: "integer", new: "numeric(12,2)"),
            .init(property: "not_null", old: "false", new: "true"),
            .init(property: "default_value", old: nil, new: "0"),
        ])
        #expect(amount.description == "Column public.orders.amount modified: data_type integer -> numeric(12,2); not_null false -> true; default_value none -> 0")
        #expect(amount.user == "admin")

        let dropping = Self.diff(altered, base)
        #expect(Self.summary(dropping) == [
            "table public.orders Removed",
            "column public.orders.amount Removed",
            "column public.orders.customer_id Removed",
            "column public.orders.id Removed",
            "index public.orders_customer_idx Removed",
            "index public.orders_pkey Removed",
            "constraint public.orders.orders_pkey Removed",
            "foreign key public.orders.orders_customer_fk Removed",
        ])
        // A removed object is described and owned as it was last seen.
        #expect(dropping.allSatisfy { $0.user == "admin" })
        let droppedColumn = try #require(dropping.first { $0.object == "public.orders.customer_id" })
        #expect(droppedColumn.properties == [
            .init(property: "data_type", old: "bigint", new: nil),
            .init(property: "not_null", old: "false", new: nil),
            .init(property: "default_value", old: nil, new: nil),
            .init(property: "position", old: "3", new: nil),
        ])
    }

    @Test("descriptions are one readable sentence per object type")
    func descriptions() {
        let previous: Snapshot = [
            "pg_tables": [], "pg_columns": [], "pg_indexes": [], "pg_views": [], "pg_functions": [], "pg_sequences": [], "pg_constraints": [],
        ]
        let current: Snapshot = [
            "pg_tables": [Self.table("orders")],
            "pg_columns": [
                Self.column("orders", "note", type: "text", position: 4),
                Self.column("orders", "status", type: "text", notNull: true, default: "'new'::text", position: 5),
            ],
            "pg_indexes": [Self.index("orders", "orders_pkey", definition: "CREATE UNIQUE INDEX orders_pkey ON public.orders USING btree (id)", unique: true, primary: true)],
            "pg_views": [
                ["tag_database": "shop", "tag_schema": "public", "tag_view": "order_totals", "owner": "app", "materialized": true, "populated": true]
            ],
            "pg_functions": [
                [
                    "tag_database": "shop", "tag_schema": "public", "tag_function": "refund", "arguments": "integer", "language": "plpgsql",
                    "kind": "procedure", "security_definer": true, "volatility": "volatile", "sets_search_path": false, "owner": "app",
                    "extension": .null,
                ]
            ],
            "pg_sequences": [
                [
                    "tag_database": "shop", "tag_schema": "public", "tag_sequence": "orders_id_seq", "data_type": "bigint", "start_value": 1,
                    "increment_by": 1, "min_value": 1, "max_value": 9_223_372_036_854_775_807.0, "cache_size": 1, "cycle": false,
                    "owned_by": "public.orders.id",
                ]
            ],
            "pg_constraints": [
                Self.constraint("orders", "orders_amount_check", type: "c", definition: "CHECK ((amount > 0))"),
                Self.constraint("orders", "orders_customer_fk", type: "f", definition: "FOREIGN KEY (customer_id) REFERENCES customers(id)", references: "customers"),
            ],
        ]
        let descriptions = Dictionary(uniqueKeysWithValues: Self.diff(previous, current).map { ($0.object, $0.description) })
        #expect(descriptions == [
            "public.orders": "Table public.orders added (owner app)",
            "public.orders.note": "Column public.orders.note added (text, nullable)",
            "public.orders.status": "Column public.orders.status added (text, not null, default 'new'::text)",
            "public.orders_pkey": "Index public.orders_pkey added (btree on public.orders, unique, primary key)",
            "public.order_totals": "Materialized view public.order_totals added (owner app)",
            "public.refund(integer)": "Procedure public.refund(integer) added (plpgsql, volatile, security definer)",
            "public.orders_id_seq": "Sequence public.orders_id_seq added (bigint, owned by public.orders.id)",
            "public.orders.orders_amount_check": "Constraint public.orders.orders_amount_check added (CHECK ((amount > 0)))",
            "public.orders.orders_customer_fk": "Foreign key public.orders.orders_customer_fk added (FOREIGN KEY (customer_id) REFERENCES customers(id))",
        ])
        let removed = Self.diff(current, previous)
        #expect(removed.first { $0.object == "public.orders.note" }?.description == "Column public.orders.note removed (text, nullable)")
        #expect(removed.first { $0.object == "public.orders" }?.description == "Table public.orders removed (owner app)")
    }

    @Test("old/new values are text: integral numbers without .0, bools as words, NULL as nil")
    func valueRendering() throws {
        func sequence(increment: JSONValue, cycle: JSONValue, ownedBy: JSONValue) -> Snapshot {
            [
                "pg_sequences": [
                    [
                        "tag_database": "shop", "tag_schema": "public", "tag_sequence": "s", "data_type": "bigint", "start_value": 1,
                        "increment_by": increment, "min_value": 1, "max_value": 9_223_372_036_854_775_807.0, "cache_size": 1, "cycle": cycle,
                        "owned_by": ownedBy,
                    ]
                ]
            ]
        }
        let change = try #require(
            Self.diff(sequence(increment: 1, cycle: false, ownedBy: "public.t.id"), sequence(increment: 2.5, cycle: true, ownedBy: .null)).first)
        #expect(change.action == .modified)
        #expect(change.properties == [
            .init(property: "increment_by", old: "1", new: "2.5"),
            .init(property: "cycle", old: "false", new: "true"),
            .init(property: "owned_by", old: "public.t.id", new: nil),
        ])
        let added = try #require(Self.diff(["pg_sequences": []], sequence(increment: 10, cycle: false, ownedBy: .null)).first)
        #expect(added.properties.first { $0.property == "max_value" }?.new == "9223372036854775808")
        #expect(added.properties.first { $0.property == "increment_by" }?.new == "10")
    }

    @Test("a column's position alone is not a change; a renamed table is a removal plus an addition")
    func positionAndRename() {
        let before: Snapshot = [
            "pg_tables": [Self.table("orders")],
            "pg_columns": [Self.column("orders", "a", type: "int", position: 1), Self.column("orders", "b", type: "int", position: 2)],
        ]
        let reordered: Snapshot = [
            "pg_tables": [Self.table("orders")],
            "pg_columns": [Self.column("orders", "a", type: "int", position: 2), Self.column("orders", "b", type: "int", position: 3)],
        ]
        #expect(Self.diff(before, reordered).isEmpty)

        let renamed: Snapshot = [
            "pg_tables": [Self.table("purchases")],
            "pg_columns": [Self.column("purchases", "a", type: "int", position: 1), Self.column("purchases", "b", type: "int", position: 2)],
        ]
        #expect(Self.summary(Self.diff(before, renamed)) == [
            "table public.orders Removed",
            "table public.purchases Added",
            "column public.orders.a Removed",
            "column public.orders.b Removed",
            "column public.purchases.a Added",
            "column public.purchases.b Added",
        ])
    }

    @Test("statistics and sizes changing produce no records")
    func statisticsAreNotChanges() {
        var busy = Self.table("orders", liveTuples: 10)
        busy["table_bytes"] = 999_999
        busy["seq_scan"] = 4_000
        busy["last_autovacuum"] = "2026-06-01T11:00:00Z"
        var quiet = Self.table("orders", liveTuples: 0)
        quiet["last_autovacuum"] = .null
        let view: (Bool) -> Row = { populated in
            ["tag_database": "shop", "tag_schema": "public", "tag_view": "v", "owner": "app", "materialized": true, "populated": .bool(populated)]
        }
        var usedIndex = Self.index("orders", "orders_pkey", definition: "CREATE UNIQUE INDEX orders_pkey ON public.orders USING btree (id)", scans: 50)
        usedIndex["duplicate_of"] = "orders_id_idx"
        usedIndex["size_bytes"] = 65536
        let previous: Snapshot = [
            "pg_tables": [quiet], "pg_views": [view(false)],
            "pg_indexes": [Self.index("orders", "orders_pkey", definition: "CREATE UNIQUE INDEX orders_pkey ON public.orders USING btree (id)", scans: 0)],
        ]
        let current: Snapshot = ["pg_tables": [busy], "pg_views": [view(true)], "pg_indexes": [usedIndex]]
        #expect(Self.diff(previous, current).isEmpty)

        // The same snapshots with a definition change do produce one, so the test can fail.
        var redefined = usedIndex
        redefined["definition"] = "CREATE UNIQUE INDEX orders_pkey ON public.orders USING btree (id, created_at)"
        #expect(Self.summary(Self.diff(previous, ["pg_tables": [busy], "pg_views": [view(true)], "pg_indexes": [redefined]])) == [
            "index public.orders_pkey Modified"
        ])
    }

    @Test("a signal missing from either side produces no records for its object types")
    func unavailableSignal() {
        let full: Snapshot = [
            "pg_tables": [Self.table("orders")],
            "pg_columns": [Self.column("orders", "id", type: "bigint", position: 1)],
            "pg_privileges": [Self.grant("orders", to: "report_reader", "SELECT")],
            "pg_roles": [Self.role("report_reader", memberOf: "analysts")],
        ]
        // Nothing collected this time for tables, privileges and roles: not a removal.
        let partial: Snapshot = ["pg_columns": [Self.column("orders", "id", type: "bigint", position: 1), Self.column("orders", "note", type: "text", position: 2)]]
        #expect(Self.summary(Self.diff(full, partial)) == ["column public.orders.note Added"])
        // Newly collected signals (missing before) are not additions either.
        #expect(Self.summary(Self.diff(partial, full)) == ["column public.orders.note Removed"])
        #expect(Self.diff([:], full).isEmpty)
        #expect(Self.diff(full, [:]).isEmpty)
    }

    @Test("a grant and a revoke are permission records; a grant option flip is a modification")
    func grantsAndRevokes() throws {
        let before: Snapshot = [
            "pg_privileges": [
                Self.grant("orders", to: "report_reader", "SELECT"),
                Self.grant("orders", to: "etl", "INSERT", grantor: "admin"),
                Self.grant("orders", to: "auditor", "SELECT"),
            ]
        ]
        let after: Snapshot = [
            "pg_privileges": [
                Self.grant("orders", to: "report_reader", "SELECT"),
                Self.grant("orders", to: "report_reader", "UPDATE"),
                Self.grant("app", to: "report_reader", "USAGE", type: "schema", schema: "app"),
                Self.grant("refund(integer)", to: "support", "EXECUTE", type: "function"),
                Self.grant("orders", to: "auditor", "SELECT", grantable: true),
            ]
        ]
        let changes = Self.diff(before, after)
        #expect(changes.map(\.description) == [
            "GRANT USAGE ON SCHEMA app TO report_reader",
            "GRANT UPDATE ON public.orders TO report_reader",
            "GRANT SELECT ON public.orders TO auditor WITH GRANT OPTION",
            "REVOKE INSERT ON public.orders FROM etl",
            "GRANT EXECUTE ON FUNCTION public.refund(integer) TO support",
        ])
        #expect(changes.map(\.objectType).allSatisfy { $0 == .permission })
        #expect(changes.map(\.object) == ["app", "public.orders", "public.orders", "public.orders", "public.refund(integer)"])
        #expect(changes.map(\.action) == [.added, .added, .modified, .removed, .added])
        #expect(changes.map(\.permissionAction) == ["Grant", "Grant", "Grant", "Revoke", "Grant"])
        #expect(changes.map(\.principal) == ["report_reader", "report_reader", "auditor", "etl", "support"])
        // The user of a permission change is its grantor (the revoked grant's, as last seen).
        #expect(changes.map(\.user) == ["app", "app", "app", "admin", "app"])

        let revoke = try #require(changes.first { $0.action == .removed })
        #expect(revoke.properties == [
            .init(property: "object_type", old: "table", new: nil),
            .init(property: "grantee", old: "etl", new: nil),
            .init(property: "privilege_type", old: "INSERT", new: nil),
            .init(property: "grantor", old: "admin", new: nil),
            .init(property: "is_grantable", old: "false", new: nil),
        ])
        let optionTaken = try #require(Self.diff(after, before).first { $0.action == .modified })
        #expect(optionTaken.description == "REVOKE GRANT OPTION FOR SELECT ON public.orders FROM auditor")
        #expect(optionTaken.permissionAction == "Revoke")
        #expect(optionTaken.properties.last == .init(property: "is_grantable", old: "true", new: "false"))
    }

    @Test("a privilege granted by several grantors is one grant, whatever the row order")
    func severalGrantors() {
        let one = Self.grant("orders", to: "report_reader", "SELECT", grantor: "app")
        let two = Self.grant("orders", to: "report_reader", "SELECT", grantor: "admin")
        #expect(Self.diff(["pg_privileges": [one, two]], ["pg_privileges": [two, one]]).isEmpty)
        // Losing one of two grantors leaves the privilege in place: no revoke.
        #expect(Self.diff(["pg_privileges": [one, two]], ["pg_privileges": [one]]).isEmpty)
        #expect(Self.summary(Self.diff(["pg_privileges": [one, two]], ["pg_privileges": []])) == ["permission public.orders Removed"])
    }

    @Test("role memberships added and removed are membership records without database or schema")
    func membershipChange() {
        let before: Snapshot = [
            "pg_roles": [Self.role("report_reader", memberOf: "analysts,readers"), Self.role("etl", memberOf: ""), Self.role("old_job", memberOf: "writers")]
        ]
        let after: Snapshot = [
            "pg_roles": [Self.role("report_reader", memberOf: "readers,auditors", login: false), Self.role("etl", memberOf: "writers")]
        ]
        let changes = Self.diff(before, after)
        #expect(changes.map(\.description) == [
            "Member report_reader removed from role analysts",
            "Member report_reader added to role auditors",
            "Member etl added to role writers",
            "Member old_job removed from role writers",
        ])
        #expect(changes.map(\.permissionAction) == ["Remove member", "Add member", "Add member", "Remove member"])
        #expect(changes.map(\.principal) == ["report_reader", "report_reader", "etl", "old_job"])
        #expect(changes.allSatisfy { $0.objectType == .membership && $0.database == nil && $0.schema == nil && $0.user == nil })
        #expect(changes[1].properties == [.init(property: "role", old: nil, new: "auditors"), .init(property: "member", old: nil, new: "report_reader")])
        // Role attributes (login, connection limit) are not membership changes.
        #expect(Self.diff(before, ["pg_roles": [Self.role("report_reader", memberOf: "analysts,readers", login: false), Self.role("etl", memberOf: ""), Self.role("old_job", memberOf: "writers")]]).isEmpty)
    }

    @Test("records are ordered by database, schema, object type, object, then action")
    func ordering() {
        let previous: Snapshot = [
            "pg_tables": [Self.table("zeta", database: "b"), Self.table("beta", schema: "app", database: "a")],
            "pg_columns": [], "pg_roles": [Self.role("x", memberOf: "")],
            "pg_functions": [
                [
                    "tag_database": "a", "tag_schema": "public", "tag_function": "f", "arguments": "integer", "language": "sql",
                    "kind": "function", "volatility": "stable", "owner": "app",
                ]
            ],
        ]
        let current: Snapshot = [
            "pg_tables": [Self.table("alpha", database: "b"), Self.table("beta", owner: "other", schema: "app", database: "a"), Self.table("gamma", database: "a")],
            "pg_columns": [Self.column("alpha", "id", type: "int", position: 1, database: "a")],
            "pg_roles": [Self.role("x", memberOf: "y")],
            "pg_functions": [
                [
                    "tag_database": "a", "tag_schema": "public", "tag_function": "f", "arguments": "text", "language": "sql",
                    "kind": "function", "volatility": "stable", "owner": "app",
                ]
            ],
        ]
        let changes = Self.diff(previous, current)
        #expect(changes.map { "\($0.database ?? "-")|\($0.schema ?? "-")|\($0.objectType.rawValue)|\($0.object)|\($0.action.rawValue)" } == [
            "-|-|membership|y|Added",
            "a|app|table|app.beta|Modified",
            "a|public|table|public.gamma|Added",
            "a|public|column|public.alpha.id|Added",
            // Overloads are separate functions: a changed signature is a removal plus an addition.
            "a|public|function|public.f(integer)|Removed",
            "a|public|function|public.f(text)|Added",
            "b|public|table|public.alpha|Added",
            "b|public|table|public.zeta|Removed",
        ])
        // The order does not depend on the order of the input rows.
        let shuffled = current.mapValues { Array($0.reversed()) }
        #expect(Self.diff(previous.mapValues { Array($0.reversed()) }, shuffled) == changes)
    }

    @Test("the signals read and the window cap")
    func signalsAndCap() {
        #expect(Set(SchemaDiff.signals) == [
            "pg_tables", "pg_columns", "pg_indexes", "pg_views", "pg_functions", "pg_sequences", "pg_constraints", "pg_privileges", "pg_roles",
        ])
        #expect(SchemaDiff.maxRecordsPerWindow == 5000)
    }

    @Test("a change record round-trips through JSON; permissionAction is nil for other object types")
    func coding() throws {
        let change = try #require(Self.diff(["pg_tables": []], ["pg_tables": [Self.table("orders")]]).first)
        #expect(change.permissionAction == nil)
        #expect(change.principal == nil)
        let data = try JSONEncoder().encode(change)
        #expect(try JSONDecoder().decode(SchemaChange.self, from: data) == change)
        #expect(String(decoding: data, as: UTF8.self).contains("\"action\":\"Added\""))
    }
}
