/// A rejected input value.
///
/// Contract: `code` is a stable snake_case identifier for programs (the API's error `code`),
/// `field` names the offending input when there is one, and `message` is a full sentence for
/// people that never contains a secret value.
public struct ValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let code: String
    public let field: String?
    public let message: String

    public init(code: String, field: String? = nil, message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    public var description: String { message }
}
