import Foundation

/// The rules for an asset's (database instance's) display name.
///
/// Contract: `validate` returns the trimmed name when it is 3 to 100 characters long and has
/// no control characters, and throws `invalid_name` otherwise. Names are unique per
/// organisation without regard to case; compare `normalizedKey` values to enforce that.
public enum InstanceName {
    /// The accepted length in characters, after trimming.
    public static let lengthLimits: ClosedRange<Int> = 3...100

    /// The trimmed name, or a `ValidationError` with code `invalid_name`.
    public static func validate(_ raw: String) throws(ValidationError) -> String {
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard lengthLimits.contains(name.count) else {
            throw ValidationError(
                code: "invalid_name", field: "name",
                message: "The name must be between \(lengthLimits.lowerBound) and \(lengthLimits.upperBound) characters long.")
        }
        guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw ValidationError(
                code: "invalid_name", field: "name", message: "The name must not contain control characters such as tabs or line breaks.")
        }
        return name
    }

    /// The key under which names are unique: the name lowercased.
    public static func normalizedKey(_ name: String) -> String {
        name.lowercased()
    }
}
