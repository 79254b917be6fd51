import Foundation

/// One change between two consecutive schema snapshots of an asset: an object added, modified or
/// removed, a privilege granted or revoked, or a role membership added or removed. Produced by
/// `SchemaDiff`, shown in the Schema Explorer's Changes tab and its Permission history.
///
/// Contract: `properties` lists every known property for added and removed records and only the
/// differing ones for modified records, values as text (nil = NULL or not collected);
/// a modified permission also keeps its identifying `grantee` and `privilege_type` (old == new) so
/// the record names its principal; `permissionAction` is non-nil exactly for permission and
/// membership records.
public struct SchemaChange: Sendable, Equatable, Codable {
    public enum Action: String, Sendable, Codable {
        case added = "Added", modified = "Modified", removed = "Removed"
    }

    /// In the order records are sorted by (after database and schema).
    public enum ObjectType: String, Sendable, Codable, CaseIterable {
        case table, column, index, view, function, sequence, constraint, foreignKey = "foreign key", permission, membership
    }

    /// One property's value before and after; nil on the side where it is NULL or the object is absent.
    public struct PropertyChange: Sendable, Equatable, Codable {
        public let property: String
        public let old: String?
        public let new: String?

        public init(property: String, old: String?, new: String?) {
            self.property = property
            self.old = old
            self.new = new
        }
    }

    public let detectedAt: Date
    public let database: String?
    public let schema: String?
    public let objectType: ObjectType
    /// "public.orders", "public.orders.amount" (column), "public.orders_pkey" (index),
    /// "public.orders.orders_pkey" (constraint), "public.f(integer)" (function), the role for memberships.
    public let object: String
    /// For permissions: added = GRANT, removed = REVOKE, modified = grant option changed.
    public let action: Action
    /// The owner when known; the grantor for permissions.
    public let user: String?
    /// One readable sentence, e.g. "Column public.orders.note added (text, nullable)".
    public let description: String
    public let properties: [PropertyChange]

    public init(
        detectedAt: Date, database: String?, schema: String?, objectType: ObjectType, object: String, action: Action,
        user: String?, description: String, properties: [PropertyChange]
    ) {
        self.detectedAt = detectedAt
        self.database = database
        self.schema = schema
        self.objectType = objectType
        self.object = object
        self.action = action
        self.user = user
        self.description = description
        self.properties = properties
    }

    /// The Permission history action: "Grant"/"Revoke" for permissions (a modified grant is a
    /// "Grant" when the grant option was given and a "Revoke" when it was taken away),
    /// "Add member"/"Remove member" for memberships; nil for every other object type.
    public var permissionAction: String? {
        switch objectType {
        case .permission:
            switch action {
            case .added: return "Grant"
            case .removed: return "Revoke"
            case .modified: return value(of: SchemaChange.grantableProperty, \.new) == "true" ? "Grant" : "Revoke"
            }
        case .membership:
            return action == .removed ? "Remove member" : "Add member"
        default:
            return nil
        }
    }

    /// The Permission history principal: the grantee of a permission, the member of a membership; nil otherwise.
    public var principal: String? {
        switch objectType {
        case .permission: value(of: SchemaChange.granteeProperty, \.new) ?? value(of: SchemaChange.granteeProperty, \.old)
        case .membership: value(of: SchemaChange.memberProperty, \.new) ?? value(of: SchemaChange.memberProperty, \.old)
        default: nil
        }
    }

    // Property names the computed members read; SchemaDiff writes them.
    static let grantableProperty = "is_grantable"
    static let granteeProperty = "grantee"
    static let memberProperty = "member"

    private func value(of property: String, _ side: KeyPath<PropertyChange, String?>) -> String? {
        properties.first { $0.property == property }?[keyPath: side]
    }
}
