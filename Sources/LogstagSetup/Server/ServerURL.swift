/// The Logstag server's base URL as typed by a person or given by `--server`/`LOGSTAG_SERVER`.
///
/// Contract: `parse` accepts `http://` or `https://` followed by a host (and optional port and
/// path), without spaces, control characters, query or fragment, and drops trailing slashes;
/// a bare host such as `logstag.example.com:8080` is refused with the fix (add https://)
/// rather than guessed. `isPlainHTTPToRemoteHost` flags `http://` to anything but loopback,
/// where the API key would cross the network unencrypted.
struct ServerURL: Sendable, Equatable {
    let text: String

    static func parse(_ raw: String) throws(AnswerProblem) -> ServerURL {
        var text = raw.trimmingWhitespace
        while text.hasSuffix("/") { text.removeLast() }
        guard !text.isEmpty else { throw AnswerProblem("Type the server's address, e.g. https://logstag.example.com.") }
        guard !text.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control }) else {
            throw AnswerProblem("The server URL must not contain spaces.")
        }
        let lowered = text.lowercased()
        guard let scheme = ["https://", "http://"].first(where: { lowered.hasPrefix($0) }) else {
            throw AnswerProblem("The server URL must start with https:// (or http:// for a server on this machine), e.g. https://\(text.prefix(60)).")
        }
        let rest = text.dropFirst(scheme.count)
        let host = rest.prefix { $0 != "/" && $0 != ":" }
        guard !host.isEmpty else { throw AnswerProblem("The server URL has no host name after \(scheme).") }
        guard !rest.contains("?"), !rest.contains("#"), !rest.contains("@") else {
            throw AnswerProblem("Give only the server's base URL (no user name, query or fragment), e.g. https://logstag.example.com.")
        }
        return ServerURL(text: text)
    }

    /// The host part, lowercased.
    var host: String {
        let rest = text.drop { $0 != "/" }.dropFirst(2)
        if rest.hasPrefix("[") { return String(rest.prefix { $0 != "]" }.dropFirst()).lowercased() }
        return String(rest.prefix { $0 != "/" && $0 != ":" }).lowercased()
    }

    var isPlainHTTPToRemoteHost: Bool {
        text.lowercased().hasPrefix("http://") && !["localhost", "127.0.0.1", "::1"].contains(host) && !host.hasPrefix("127.")
    }
}
