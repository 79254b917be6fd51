import Foundation
import LogstagAgent
import LogstagCore

/// Where the API key comes from when it is not typed at the prompt.
///
/// Contract: the key is never taken from the command line (ps and shell history show argv).
/// `LOGSTAG_API_KEY_FILE` (a path; the first line is the key) wins over `LOGSTAG_API_KEY`.
/// `resolve` returns nil when neither is set, and throws a user error naming the variable when
/// the file cannot be read or the value is not a well-formed `lsk_` key. The key itself never
/// appears in a message.
struct APIKeySource: Sendable {
    static let fileVariable = "LOGSTAG_API_KEY_FILE"
    static let valueVariable = "LOGSTAG_API_KEY"

    /// The key and the name of the variable it came from, for messages.
    let key: SecretValue
    let origin: String

    static func resolve(environment: [String: String]) throws(SetupStop) -> APIKeySource? {
        if let path = environment[fileVariable], !path.isEmpty {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw .user("\(fileVariable) names \(path), which cannot be read; check the path and that this user may read it.")
            }
            let firstLine = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            return try checked(firstLine, origin: "the file in \(fileVariable)")
        }
        if let value = environment[valueVariable], !value.isEmpty {
            return try checked(value, origin: valueVariable)
        }
        return nil
    }

    static func checked(_ raw: String, origin: String) throws(SetupStop) -> APIKeySource {
        do throws(AnswerProblem) {
            return APIKeySource(key: try parse(raw), origin: origin)
        } catch {
            throw .user("The API key from \(origin) is not usable: \(error.message)")
        }
    }

    /// Checks the shape and checksum of a typed key before it is sent anywhere.
    static func parse(_ raw: String) throws(AnswerProblem) -> SecretValue {
        let text = raw.trimmingWhitespace
        do {
            return SecretValue(try TokenFormat.parse(text, expecting: .apiKey).raw)
        } catch {
            if TokenKind.allCases.contains(where: { $0 != .apiKey && text.hasPrefix($0.prefix) }) {
                throw AnswerProblem("That is not an API key (API keys start with lsk_); create one under Settings > API keys.")
            }
            throw AnswerProblem("That is not a valid Logstag API key (lsk_ followed by 50 letters and digits); copy it again from Settings > API keys.")
        }
    }
}
