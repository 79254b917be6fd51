/// Where `setting('name')` reads from: a signal with one row per setting.
///
/// Contract: `nameColumn` holds the setting's name and `valueColumn` its value (as text).
public struct HealthSettingsSource: Sendable, Equatable {
    public var signal: String
    public var nameColumn: String
    public var valueColumn: String

    public init(signal: String, nameColumn: String, valueColumn: String) {
        self.signal = signal
        self.nameColumn = nameColumn
        self.valueColumn = valueColumn
    }
}
