import LogstagAgent

/// A failed call to the server's `/api/v1`.
///
/// Contract: `transport` means no HTTP answer (DNS, refused, TLS verification, timeout);
/// `rejected` is an error answer with the server's own `{code, message}` (the message is
/// written for people and never holds a secret); `unexpected` is an answer setup cannot read,
/// e.g. a URL that is not a Logstag server.
enum SetupAPIError: Error, Sendable {
    case transport(TransportError)
    case rejected(status: Int, code: String, message: String)
    case unexpected(status: Int, what: String)

    /// The HTTP status, when there was an answer.
    var status: Int? {
        switch self {
        case .transport: nil
        case .rejected(let status, _, _), .unexpected(let status, _): status
        }
    }

    /// The server's error code, when it sent one.
    var code: String? {
        if case .rejected(_, let code, _) = self { return code }
        return nil
    }

    /// A sentence for people, naming the server.
    func explanation(server: String) -> String {
        switch self {
        case .transport(let error) where error.isTLSVerification:
            "The HTTPS certificate of \(server) could not be verified. If the server uses a private CA, pass that CA's certificate (PEM) with --ca-file; verification cannot be switched off."
        case .transport(let error):
            // The transport's message names the origin and the cause (refused, DNS, timeout).
            error.message
        case .rejected(let status, _, let message):
            "The server answered \(status): \(message)"
        case .unexpected(let status, let what):
            "The answer from \(server) (HTTP \(status)) is not what a Logstag server sends for \(what); check that the URL points to the Logstag server."
        }
    }

    /// The exit code for this failure when it ends setup: a refused request is the user's to
    /// fix (1), anything else is the server's or the network's (2).
    var exitCode: Int32 {
        switch self {
        case .rejected(let status, _, _) where (400..<500).contains(status): SetupStop.userError
        default: SetupStop.serverError
        }
    }
}
