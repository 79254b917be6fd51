/// Splits an expression into tokens.
///
/// Contract: numbers are `12`, `1.5`, `1e3`; strings are single-quoted with `''` for a quote;
/// names are letters, digits and `_` (not starting with a digit); keywords are matched without
/// regard to case. Anything else throws a `HealthExpressionError` at its position.
enum HealthExpressionLexer {
    static let keywords: Set<String> = ["and", "or", "not", "true", "false", "null"]
    private static let twoCharacterSymbols: Set<String> = ["==", "!=", "<=", ">=", "||"]
    private static let oneCharacterSymbols: Set<Character> = ["<", ">", "+", "-", "*", "/", "%", "(", ")", ","]

    static func tokens(_ text: String) throws(HealthExpressionError) -> [HealthExpressionToken] {
        let characters = Array(text)
        var tokens: [HealthExpressionToken] = []
        var index = 0
        while index < characters.count {
            let character = characters[index]
            let start = index
            if character.isWhitespace {
                index += 1
                continue
            }
            if character.isASCII, character.isNumber || (character == "." && index + 1 < characters.count && characters[index + 1].isASCII && characters[index + 1].isNumber) {
                while index < characters.count, characters[index].isASCII, characters[index].isNumber || characters[index] == "." { index += 1 }
                if index < characters.count, characters[index] == "e" || characters[index] == "E" {
                    var probe = index + 1
                    if probe < characters.count, characters[probe] == "+" || characters[probe] == "-" { probe += 1 }
                    if probe < characters.count, characters[probe].isASCII, characters[probe].isNumber {
                        index = probe
                        while index < characters.count, characters[index].isASCII, characters[index].isNumber { index += 1 }
                    }
                }
                let word = String(characters[start..<index])
                guard let number = Double(word) else {
                    throw HealthExpressionError(position: start + 1, token: word, message: "not a number")
                }
                if index < characters.count, isNameCharacter(characters[index]) {
                    throw HealthExpressionError(position: start + 1, token: word + String(characters[index]), message: "a name cannot start with a digit")
                }
                tokens.append(HealthExpressionToken(kind: .number(number), text: word, position: start + 1))
            } else if character == "'" {
                var value = ""
                index += 1
                var closed = false
                while index < characters.count {
                    if characters[index] == "'" {
                        if index + 1 < characters.count, characters[index + 1] == "'" {
                            value.append("'")
                            index += 2
                            continue
                        }
                        index += 1
                        closed = true
                        break
                    }
                    value.append(characters[index])
                    index += 1
                }
                guard closed else {
                    throw HealthExpressionError(position: start + 1, token: String(characters[start...].prefix(20)), message: "the text is not closed with a single quote")
                }
                tokens.append(HealthExpressionToken(kind: .string(value), text: String(characters[start..<index]), position: start + 1))
            } else if isNameCharacter(character), !character.isNumber {
                while index < characters.count, isNameCharacter(characters[index]) { index += 1 }
                let word = String(characters[start..<index])
                let lowered = word.lowercased()
                let kind: HealthExpressionToken.Kind = keywords.contains(lowered) ? .keyword(lowered) : .name(word)
                tokens.append(HealthExpressionToken(kind: kind, text: word, position: start + 1))
            } else {
                if index + 1 < characters.count {
                    let pair = String(characters[index...index + 1])
                    if twoCharacterSymbols.contains(pair) {
                        tokens.append(HealthExpressionToken(kind: .symbol(pair), text: pair, position: start + 1))
                        index += 2
                        continue
                    }
                }
                guard oneCharacterSymbols.contains(character) else {
                    let hint = character == "=" ? "; write == to compare" : character == "\"" ? "; text is written in single quotes" : ""
                    throw HealthExpressionError(position: start + 1, token: String(character), message: "unexpected character" + hint)
                }
                tokens.append(HealthExpressionToken(kind: .symbol(String(character)), text: String(character), position: start + 1))
                index += 1
            }
        }
        tokens.append(HealthExpressionToken(kind: .end, text: HealthExpressionToken.endText, position: characters.count + 1))
        return tokens
    }

    private static func isNameCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "_")
    }
}
