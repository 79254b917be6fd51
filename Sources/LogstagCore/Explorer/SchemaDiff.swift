import Foundation

/// Schema change detection for PostgreSQL: the change records between two consecutive schema
/// snapshots of one asset (the Schema Explorer's Changes tab and Permission history).
///
/// Contract: an object is identified by database + schema + name (columns and constraints also
/// by their table, functions by their argument types), so a rename is a removal plus an addition.
/// Only definition properties are compared; sizes and statistics never make a change, and a
/// column's position alone is not a change. A signal missing from either side produces no records
/// for its object types (absence of data is not a removal). Records are sorted by database,
/// schema (nil first), `ObjectType` order, object, action, then description. `changes` never
/// truncates; readers cap a window at `maxRecordsPerWindow`.
public enum SchemaDiff {
    /// The cap on change records one window shows (reference 2.6: broad windows are capped).
    public static let maxRecordsPerWindow = 5000

    /// The signal names `changes` reads.
    public static let signals: [String] = objectKinds.map(\.signal) + [privilegesSignal, rolesSignal]

    public typealias Row = [String: JSONValue]

    /// Change records between two consecutive schema snapshots of one asset; `previous` and
    /// `current` map signal name -> rows, all records carry `detectedAt`.
    public static func changes(previous: [String: [Row]], current: [String: [Row]], detectedAt: Date) -> [SchemaChange] {
        let context = DiffContext(
            detectedAt: detectedAt, ownersBefore: tableOwners(previous[tablesSignal]), ownersNow: tableOwners(current[tablesSignal]))
        var records: [SchemaChange] = []
        for kind in objectKinds {
            guard let before = previous[kind.signal], let after = current[kind.signal] else { continue }
            records += objectChanges(kind, before: before, after: after, context)
        }
        if let before = previous[privilegesSignal], let after = current[privilegesSignal] {
            records += privilegeChanges(before: before, after: after, detectedAt: detectedAt)
        }
        if let before = previous[rolesSignal], let after = current[rolesSignal] {
            records += membershipChanges(before: before, after: after, detectedAt: detectedAt)
        }
        return records.sorted(by: precedes)
    }

    /// A collected value as the text shown for old/new: integral numbers without ".0", bools as
    /// "true"/"false", NULL or a missing column as nil.
    static func text(_ value: JSONValue?) -> String? {
        switch value {
        case nil, .null?: return nil
        case .bool(let flag)?: return flag ? "true" : "false"
        case .number(let number)?: return text(number)
        case .string(let string)?: return string
        case .array(let items)?: return "[" + items.map { text($0) ?? "null" }.joined(separator: ", ") + "]"
        case .object(let fields)?:
            return "{" + fields.sorted { $0.key < $1.key }.map { "\($0.key): \(text($0.value) ?? "null")" }.joined(separator: ", ") + "}"
        }
    }

    private static func text(_ number: Double) -> String {
        guard number.isFinite, number == number.rounded() else { return String(number) }
        // Int64(_:) traps at 2^63, which a bigint sequence's max_value becomes as a Double.
        return abs(number) < 1e15 ? String(Int64(number)) : String(format: "%.0f", number)
    }
}

// MARK: - Objects (tables, columns, indexes, views, functions, sequences, constraints)

extension SchemaDiff {
    static let tablesSignal = "pg_tables"
    static let privilegesSignal = "pg_privileges"
    static let rolesSignal = "pg_roles"

    /// How one signal's rows become objects. Properties are named after their column without "tag_".
    struct ObjectKind: Sendable {
        let signal: String
        let nameColumn: String
        /// Columns and constraints are named within their table ("public.orders.amount").
        let scopedByTable: Bool
        /// Functions are named with their argument types, since overloads share a name.
        let withArguments: Bool
        /// A difference in one of these makes a Modified record.
        let compared: [String]
        /// Shown for added and removed objects, never compared.
        let listedOnly: [String]
        /// Owner from the row itself; otherwise (columns, indexes, constraints) the owner of its table.
        let ownedInRow: Bool
        let objectType: @Sendable (Row) -> SchemaChange.ObjectType
        let noun: @Sendable (Row) -> String
        /// The parenthesised summary of an added or removed object.
        let summary: @Sendable (Row) -> String?
    }

    // Views and functions: their definitions (bodies) are not collected, so a changed view query or
    // function body is invisible here; only owner, kind and the listed attributes can change.
    static let objectKinds: [ObjectKind] = [
        ObjectKind(
            signal: tablesSignal, nameColumn: "tag_table", scopedByTable: false, withArguments: false,
            compared: ["table_type", "owner", "has_primary_key", "unlogged", "is_partition"], listedOnly: [], ownedInRow: true,
            objectType: { _ in .table }, noun: { text($0["table_type"]) == "partitioned" ? "Partitioned table" : "Table" },
            summary: { text($0["owner"]).map { "owner \($0)" } }),
        ObjectKind(
            signal: "pg_columns", nameColumn: "tag_column", scopedByTable: true, withArguments: false,
            compared: ["data_type", "not_null", "default_value"], listedOnly: ["position"], ownedInRow: false,
            objectType: { _ in .column }, noun: { _ in "Column" },
            summary: { row in
                let nullability: String? =
                    switch text(row["not_null"]) {
                    case "true": "not null"
                    case "false": "nullable"
                    default: nil
                    }
                return joined([text(row["data_type"]), nullability, text(row["default_value"]).map { "default \($0)" }])
            }),
        ObjectKind(
            signal: "pg_indexes", nameColumn: "tag_index", scopedByTable: false, withArguments: false,
            compared: ["tag_table", "method", "definition", "valid", "is_unique", "is_primary"], listedOnly: [], ownedInRow: false,
            objectType: { _ in .index }, noun: { _ in "Index" },
            summary: { row in
                let table = text(row["tag_table"]).map { qualified(text(row["tag_schema"]), $0) }
                return joined([
                    joined([text(row["method"]), table.map { "on \($0)" }], separator: " "),
                    text(row["is_unique"]) == "true" ? "unique" : nil,
                    text(row["is_primary"]) == "true" ? "primary key" : nil,
                    text(row["valid"]) == "false" ? "invalid" : nil,
                ])
            }),
        ObjectKind(
            signal: "pg_views", nameColumn: "tag_view", scopedByTable: false, withArguments: false,
            compared: ["owner", "materialized"], listedOnly: [], ownedInRow: true,
            objectType: { _ in .view }, noun: { text($0["materialized"]) == "true" ? "Materialized view" : "View" },
            summary: { text($0["owner"]).map { "owner \($0)" } }),
        ObjectKind(
            signal: "pg_functions", nameColumn: "tag_function", scopedByTable: false, withArguments: true,
            compared: ["language", "kind", "security_definer", "volatility", "sets_search_path", "owner", "extension"],
            listedOnly: ["arguments"], ownedInRow: true,
            objectType: { _ in .function },
            noun: { row in
                switch text(row["kind"]) {
                case "procedure": "Procedure"
                case "aggregate": "Aggregate"
                case "window": "Window function"
                default: "Function"
                }
            },
            summary: { row in
                joined([
                    text(row["language"]), text(row["volatility"]),
                    text(row["security_definer"]) == "true" ? "security definer" : nil,
                    text(row["extension"]).map { "extension \($0)" },
                ])
            }),
        ObjectKind(
            signal: "pg_sequences", nameColumn: "tag_sequence", scopedByTable: false, withArguments: false,
            compared: ["data_type", "start_value", "increment_by", "min_value", "max_value", "cache_size", "cycle", "owned_by"],
            listedOnly: [], ownedInRow: false,
            objectType: { _ in .sequence }, noun: { _ in "Sequence" },
            summary: { joined([text($0["data_type"]), text($0["owned_by"]).map { "owned by \($0)" }]) }),
        ObjectKind(
            signal: "pg_constraints", nameColumn: "tag_constraint", scopedByTable: true, withArguments: false,
            compared: ["constraint_type", "definition", "validated", "deferrable", "references_table"], listedOnly: [], ownedInRow: false,
            objectType: { isForeignKey($0) ? .foreignKey : .constraint }, noun: { isForeignKey($0) ? "Foreign key" : "Constraint" },
            summary: { text($0["definition"]) ?? text($0["constraint_type"]) }),
    ]

    /// The collector sends words ("foreign key"); older or other sources may send pg_constraint's letter.
    static func isForeignKey(_ row: Row) -> Bool {
        ["f", "foreign key"].contains(text(row["constraint_type"])?.lowercased())
    }

    /// Identity of an object within one snapshot.
    struct ObjectKey: Hashable {
        let database: String?
        let schema: String?
        let object: String
    }

    struct TableKey: Hashable {
        let database: String?
        let schema: String?
        let table: String
    }

    struct DiffContext {
        let detectedAt: Date
        let ownersBefore: [TableKey: String]
        let ownersNow: [TableKey: String]
    }

    static func tableOwners(_ rows: [Row]?) -> [TableKey: String] {
        var owners: [TableKey: String] = [:]
        for row in rows ?? [] {
            guard let table = text(row["tag_table"]), let owner = text(row["owner"]) else { continue }
            let key = TableKey(database: text(row["tag_database"]), schema: text(row["tag_schema"]), table: table)
            if owners[key] == nil { owners[key] = owner }
        }
        return owners
    }

    static func objectChanges(_ kind: ObjectKind, before: [Row], after: [Row], _ context: DiffContext) -> [SchemaChange] {
        let old = objects(kind, before)
        let new = objects(kind, after)
        var records: [SchemaChange] = []
        for (key, row) in new where old[key] == nil {
            records.append(
                record(kind, key, row, action: .added, properties: listed(kind, row, new: true), owners: context.ownersNow, context.detectedAt))
        }
        for (key, row) in old where new[key] == nil {
            records.append(
                record(kind, key, row, action: .removed, properties: listed(kind, row, new: false), owners: context.ownersBefore, context.detectedAt))
        }
        for (key, row) in new {
            guard let previous = old[key] else { continue }
            let differences = kind.compared.compactMap { column -> SchemaChange.PropertyChange? in
                let was = text(previous[column])
                let now = text(row[column])
                return was == now ? nil : SchemaChange.PropertyChange(property: propertyName(column), old: was, new: now)
            }
            guard !differences.isEmpty else { continue }
            records.append(record(kind, key, row, action: .modified, properties: differences, owners: context.ownersNow, context.detectedAt))
        }
        return records
    }

    /// The objects of one snapshot by identity; a duplicated identity keeps its first row.
    static func objects(_ kind: ObjectKind, _ rows: [Row]) -> [ObjectKey: Row] {
        var objects: [ObjectKey: Row] = [:]
        for row in rows {
            guard let name = text(row[kind.nameColumn]) else { continue }
            let schema = text(row["tag_schema"])
            var object: String
            if kind.scopedByTable {
                guard let table = text(row["tag_table"]) else { continue }
                object = qualified(schema, table, name)
            } else {
                object = qualified(schema, name)
            }
            if kind.withArguments { object += "(\(text(row["arguments"]) ?? ""))" }
            let key = ObjectKey(database: text(row["tag_database"]), schema: schema, object: object)
            if objects[key] == nil { objects[key] = row }
        }
        return objects
    }

    /// Every property of an added (`new`) or removed object, on the side where it exists.
    static func listed(_ kind: ObjectKind, _ row: Row, new: Bool) -> [SchemaChange.PropertyChange] {
        (kind.compared + kind.listedOnly).map { column in
            let value = text(row[column])
            return SchemaChange.PropertyChange(property: propertyName(column), old: new ? nil : value, new: new ? value : nil)
        }
    }

    static func record(
        _ kind: ObjectKind, _ key: ObjectKey, _ row: Row, action: SchemaChange.Action, properties: [SchemaChange.PropertyChange],
        owners: [TableKey: String], _ detectedAt: Date
    ) -> SchemaChange {
        let user: String? =
            kind.ownedInRow
            ? text(row["owner"])
            : text(row["tag_table"]).flatMap { owners[TableKey(database: key.database, schema: key.schema, table: $0)] }
        let subject = "\(kind.noun(row)) \(key.object)"
        let description: String
        switch action {
        case .added, .removed:
            description = "\(subject) \(action == .added ? "added" : "removed")" + (kind.summary(row).map { " (\($0))" } ?? "")
        case .modified:
            description =
                "\(subject) modified: "
                + properties.map { "\($0.property) \($0.old ?? "none") -> \($0.new ?? "none")" }.joined(separator: "; ")
        }
        return SchemaChange(
            detectedAt: detectedAt, database: key.database, schema: key.schema, objectType: kind.objectType(row), object: key.object,
            action: action, user: user, description: description, properties: properties)
    }

    static func propertyName(_ column: String) -> String {
        column.hasPrefix("tag_") ? String(column.dropFirst("tag_".count)) : column
    }

    static func qualified(_ schema: String?, _ names: String...) -> String {
        ([schema].compactMap { $0 } + names).joined(separator: ".")
    }

    static func joined(_ parts: [String?], separator: String = ", ") -> String? {
        let present = parts.compactMap { $0 }.filter { !$0.isEmpty }
        return present.isEmpty ? nil : present.joined(separator: separator)
    }
}

// MARK: - Permissions (grants and revokes)

extension SchemaDiff {
    /// One (object, grantee, privilege); the same privilege granted by several grantors is one grant.
    struct GrantKey: Hashable {
        let database: String?
        let schema: String?
        let objectType: String
        let object: String
        let grantee: String
        let privilege: String
    }

    struct Grant {
        var grantor: String?
        var grantable: Bool
    }

    static func grants(_ rows: [Row]) -> [GrantKey: Grant] {
        var grants: [GrantKey: Grant] = [:]
        for row in rows {
            guard let object = text(row["tag_object"]), let grantee = text(row["grantee"]), let privilege = text(row["privilege_type"])
            else { continue }
            let key = GrantKey(
                database: text(row["tag_database"]), schema: text(row["tag_schema"]), objectType: text(row["object_type"]) ?? "",
                object: object, grantee: grantee, privilege: privilege)
            let grantor = text(row["grantor"])
            let grantable = text(row["is_grantable"]) == "true"
            if var existing = grants[key] {
                // Grantor order in the rows is not stable; keep the smallest so a reordering is not a change.
                if let grantor, existing.grantor.map({ grantor < $0 }) ?? true { existing.grantor = grantor }
                existing.grantable = existing.grantable || grantable
                grants[key] = existing
            } else {
                grants[key] = Grant(grantor: grantor, grantable: grantable)
            }
        }
        return grants
    }

    /// A grant appearing is a GRANT, one disappearing a REVOKE, a grant option flip a modification.
    /// A grantor change alone is not a change: the grantee's privileges are the same.
    static func privilegeChanges(before: [Row], after: [Row], detectedAt: Date) -> [SchemaChange] {
        let old = grants(before)
        let new = grants(after)
        var records: [SchemaChange] = []
        for (key, grant) in new {
            if let previous = old[key] {
                guard previous.grantable != grant.grantable else { continue }
                let sql =
                    grant.grantable
                    ? "GRANT \(key.privilege) ON \(target(key)) TO \(key.grantee) WITH GRANT OPTION"
                    : "REVOKE GRANT OPTION FOR \(key.privilege) ON \(target(key)) FROM \(key.grantee)"
                records.append(
                    permission(
                        key, .modified, user: grant.grantor, sql,
                        [
                            .init(property: SchemaChange.granteeProperty, old: key.grantee, new: key.grantee),
                            .init(property: "privilege_type", old: key.privilege, new: key.privilege),
                            .init(property: SchemaChange.grantableProperty, old: text(.bool(previous.grantable)), new: text(.bool(grant.grantable))),
                        ], detectedAt))
            } else {
                let sql = "GRANT \(key.privilege) ON \(target(key)) TO \(key.grantee)" + (grant.grantable ? " WITH GRANT OPTION" : "")
                records.append(permission(key, .added, user: grant.grantor, sql, grantProperties(key, grant, new: true), detectedAt))
            }
        }
        for (key, grant) in old where new[key] == nil {
            let sql = "REVOKE \(key.privilege) ON \(target(key)) FROM \(key.grantee)"
            records.append(permission(key, .removed, user: grant.grantor, sql, grantProperties(key, grant, new: false), detectedAt))
        }
        return records
    }

    /// The object as the change's `object`: a schema by its name, everything else schema-qualified.
    static func grantObject(_ key: GrantKey) -> String {
        key.objectType == "schema" ? key.object : qualified(key.schema, key.object)
    }

    /// The GRANT target with the keyword PostgreSQL needs (tables and views take none).
    static func target(_ key: GrantKey) -> String {
        switch key.objectType {
        case "schema": "SCHEMA \(grantObject(key))"
        case "sequence": "SEQUENCE \(grantObject(key))"
        case "function": "FUNCTION \(grantObject(key))"
        case "procedure": "PROCEDURE \(grantObject(key))"
        default: grantObject(key)
        }
    }

    static func grantProperties(_ key: GrantKey, _ grant: Grant, new: Bool) -> [SchemaChange.PropertyChange] {
        let values: [(String, String?)] = [
            ("object_type", key.objectType), (SchemaChange.granteeProperty, key.grantee), ("privilege_type", key.privilege),
            ("grantor", grant.grantor), (SchemaChange.grantableProperty, text(.bool(grant.grantable))),
        ]
        return values.map { .init(property: $0.0, old: new ? nil : $0.1, new: new ? $0.1 : nil) }
    }

    static func permission(
        _ key: GrantKey, _ action: SchemaChange.Action, user: String?, _ description: String, _ properties: [SchemaChange.PropertyChange],
        _ detectedAt: Date
    ) -> SchemaChange {
        SchemaChange(
            detectedAt: detectedAt, database: key.database, schema: key.schema, objectType: .permission, object: grantObject(key),
            action: action, user: user, description: description, properties: properties)
    }
}

// MARK: - Role memberships

extension SchemaDiff {
    struct Membership: Hashable {
        let role: String
        let member: String
    }

    /// `member_of` is "a,b": the roles `tag_role` is a member of.
    static func memberships(_ rows: [Row]) -> Set<Membership> {
        var memberships: Set<Membership> = []
        for row in rows {
            guard let member = text(row["tag_role"]) else { continue }
            for role in (text(row["member_of"]) ?? "").split(separator: ",") {
                let role = role.trimmingCharacters(in: .whitespaces)
                if !role.isEmpty { memberships.insert(Membership(role: role, member: member)) }
            }
        }
        return memberships
    }

    /// Per role, the members added and removed (a dropped role loses its memberships too). Roles
    /// are instance-wide, so records have no database or schema; the grantor is not collected.
    static func membershipChanges(before: [Row], after: [Row], detectedAt: Date) -> [SchemaChange] {
        let old = memberships(before)
        let new = memberships(after)
        func record(_ membership: Membership, _ action: SchemaChange.Action) -> SchemaChange {
            let added = action == .added
            return SchemaChange(
                detectedAt: detectedAt, database: nil, schema: nil, objectType: .membership, object: membership.role, action: action,
                user: nil,
                description: added
                    ? "Member \(membership.member) added to role \(membership.role)"
                    : "Member \(membership.member) removed from role \(membership.role)",
                properties: [
                    .init(property: "role", old: added ? nil : membership.role, new: added ? membership.role : nil),
                    .init(property: SchemaChange.memberProperty, old: added ? nil : membership.member, new: added ? membership.member : nil),
                ])
        }
        return new.subtracting(old).map { record($0, .added) } + old.subtracting(new).map { record($0, .removed) }
    }
}

// MARK: - Order

extension SchemaDiff {
    static let typeRank: [SchemaChange.ObjectType: Int] = Dictionary(
        uniqueKeysWithValues: SchemaChange.ObjectType.allCases.enumerated().map { ($1, $0) })

    static func actionRank(_ action: SchemaChange.Action) -> Int {
        switch action {
        case .added: 0
        case .modified: 1
        case .removed: 2
        }
    }

    /// nil sorts first, so instance-wide records (memberships) lead.
    static func compare(_ left: String?, _ right: String?) -> ComparisonResult {
        switch (left, right) {
        case (nil, nil): .orderedSame
        case (nil, _): .orderedAscending
        case (_, nil): .orderedDescending
        case (let left?, let right?): left == right ? .orderedSame : (left < right ? .orderedAscending : .orderedDescending)
        }
    }

    static func precedes(_ left: SchemaChange, _ right: SchemaChange) -> Bool {
        for order in [compare(left.database, right.database), compare(left.schema, right.schema)] where order != .orderedSame {
            return order == .orderedAscending
        }
        let leftType = typeRank[left.objectType] ?? 0
        let rightType = typeRank[right.objectType] ?? 0
        if leftType != rightType { return leftType < rightType }
        if left.object != right.object { return left.object < right.object }
        if left.action != right.action { return actionRank(left.action) < actionRank(right.action) }
        return left.description < right.description
    }
}
