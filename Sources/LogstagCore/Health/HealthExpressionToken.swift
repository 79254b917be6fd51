/// One token of a catalogue expression, produced by `HealthExpressionLexer`.
///
/// Contract: `position` is the 1-based character position of the token's first character;
/// `text` is the token as written (for error messages).
struct HealthExpressionToken: Sendable, Equatable {
    static let endText = "end of expression"

    enum Kind: Sendable, Equatable {
        case number(Double)
        case string(String)
        case name(String)
        /// Operators and punctuation: `== != < <= > >= || + - * / % ( ) ,`.
        case symbol(String)
        /// `and`, `or`, `not`, `true`, `false`, `null` (any letter case).
        case keyword(String)
        case end
    }

    let kind: Kind
    let text: String
    let position: Int
}
