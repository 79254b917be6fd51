/// A TOML value of the supported subset.
///
/// Contract: strings are already unescaped; integers are 64-bit; arrays may mix types
/// (`TOMLSectionReader` enforces element types).
public enum TOMLValue: Sendable, Equatable {
    case string(String)
    case integer(Int64)
    case float(Double)
    case bool(Bool)
    case array([TOMLValue])

    /// The type's name with an article, for messages: "a string", "an integer", ...
    public var typeName: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .float: "a float"
        case .bool: "a boolean"
        case .array: "an array"
        }
    }
}
