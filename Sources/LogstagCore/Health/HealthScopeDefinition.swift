/// A kind of object listed in a report's scope (`[scope.<id>]`): one object per row of `signal`.
///
/// Contract: `name` is evaluated per row (e.g. `tag_database || '.' || tag_table`); rows whose
/// name is null or empty are skipped.
public struct HealthScopeDefinition: Sendable, Equatable {
    public var id: String
    public var signal: String
    public var kind: String
    public var nameSource: String
    public var name: HealthExpression

    public init(id: String, signal: String, kind: String, nameSource: String, name: HealthExpression) {
        self.id = id
        self.signal = signal
        self.kind = kind
        self.nameSource = nameSource
        self.name = name
    }
}
