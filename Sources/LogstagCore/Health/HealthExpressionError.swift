/// An expression that does not parse.
///
/// Contract: `position` is the 1-based character position of the offending token in the
/// expression text, `token` its text (`end of expression` at the end); `description` is
/// `position N, at "token": message`.
public struct HealthExpressionError: Error, Sendable, Equatable, CustomStringConvertible {
    public let position: Int
    public let token: String
    public let message: String

    public init(position: Int, token: String, message: String) {
        self.position = position
        self.token = token
        self.message = message
    }

    public var description: String {
        token == HealthExpressionToken.endText
            ? "position \(position), at the end of the expression: \(message)"
            : "position \(position), at \"\(token)\": \(message)"
    }
}
