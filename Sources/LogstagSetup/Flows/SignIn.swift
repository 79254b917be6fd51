import LogstagAgent
import LogstagCore

/// Step 1 of the install-command flow: the server URL and the API key, checked with
/// `GET /api/v1/me`.
///
/// Contract (interactive): an unreachable server or an answer that is not Logstag's asks for the
/// URL again; a rejected key (401, or 403 for a key that may not use this API) asks for the key
/// again, at most `maxKeyAttempts` times in all, then stops with a user error. A key from the
/// environment that is rejected is reported by its variable name and replaced by the prompt.
/// Any other error answer ends setup with that answer's message.
/// Contract (non-interactive): the first failure ends setup (exit 1 for a rejected key, 2 for
/// a server or network failure) and no question is asked.
struct SignIn {
    static let maxKeyAttempts = 3

    let prompter: Prompter
    let transport: any HTTPTransport

    func interactive(presetServer: String?, presetKey: APIKeySource?) throws(SetupStop) -> SignedIn {
        var server: ServerURL?
        if let presetServer {
            do { server = try ServerURL.parse(presetServer) } catch {
                prompter.refuse("The server URL given (\(presetServer.prefix(60))) is not usable: \(error.message)")
            }
        }
        var key = presetKey
        var rejectedKeys = 0
        var warnedAboutPlainHTTP = false
        while true {
            let url: ServerURL
            if let server { url = server } else { url = try prompter.ask("Server URL (e.g. https://logstag.example.com)", parse: ServerURL.parse) }
            server = url
            if url.isPlainHTTPToRemoteHost && !warnedAboutPlainHTTP {
                prompter.say("  Note: \(url.text) is plain HTTP; the API key will cross the network unencrypted. Prefer https://.")
                warnedAboutPlainHTTP = true
            }
            let source: APIKeySource
            if let key { source = key } else { source = try askKey() }
            key = source
            let client = SetupAPIClient(server: url, apiKey: source.key, transport: transport)
            let me: MeResource
            do {
                me = try client.me()
            } catch {
                switch error {
                case .transport, .unexpected:
                    prompter.refuse(error.explanation(server: url.text))
                    server = nil
                case .rejected(let status, _, let message) where status == 401 || status == 403:
                    rejectedKeys += 1
                    let whose = source.origin == "the prompt" ? "this API key" : "the API key from \(source.origin)"
                    prompter.refuse(Self.rejection(of: whose, status: status, message: message))
                    guard rejectedKeys < Self.maxKeyAttempts else {
                        throw .user("The API key was rejected \(Self.maxKeyAttempts) times; create a new key under Settings > API keys and run setup again.")
                    }
                    key = nil
                case .rejected:
                    throw SetupStop(exitCode: error.exitCode, message: error.explanation(server: url.text))
                }
                continue
            }
            try SignedIn.check(me)
            return SignedIn(client: client, me: me)
        }
    }

    /// Why a key was refused: 401 is an unknown or revoked key, 403 a key that may not use this API.
    static func rejection(of whose: String, status: Int, message: String) -> String {
        status == 401
            ? "The server rejected \(whose) (HTTP 401): it may be mistyped, revoked, or from another Logstag server."
            : "The server refused \(whose): \(message)"
    }

    private func askKey() throws(SetupStop) -> APIKeySource {
        while true {
            let typed = try prompter.askSecret("API key (lsk_..., from Settings > API keys)")
            do {
                return APIKeySource(key: try APIKeySource.parse(typed), origin: "the prompt")
            } catch {
                prompter.refuse(error.message)
            }
        }
    }

    /// The non-interactive sign-in: everything must be given, nothing is asked.
    static func automated(server: ServerURL, key: APIKeySource, transport: any HTTPTransport) throws(SetupStop) -> SignedIn {
        let client = SetupAPIClient(server: server, apiKey: key.key, transport: transport)
        let me: MeResource
        do {
            me = try client.me()
        } catch {
            if case .rejected(let status, _, let message) = error, status == 401 || status == 403 {
                throw .user(rejection(of: "the API key from \(key.origin)", status: status, message: message))
            }
            throw SetupStop(exitCode: error.exitCode, message: error.explanation(server: server.text))
        }
        try SignedIn.check(me)
        return SignedIn(client: client, me: me)
    }
}
