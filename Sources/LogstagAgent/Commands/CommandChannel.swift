import Foundation
import Logging
import LogstagCore

/// The server-to-agent command channel: long-polls `GET /api/v1/agent/commands` and posts
/// each command's result to `POST /api/v1/agent/commands/{id}/result`.
///
/// Contract:
/// - `poll` and `post` are single blocking requests; `poll(wait:)` uses a request timeout of
///   `wait + 15` seconds. A command of a kind this agent does not know is skipped (logged).
/// - `run` loops until the task is cancelled: long-poll with wait 25 s (timeout 40 s), run
///   the commands of one answer concurrently through `handler`, post each result (3 tries),
///   poll again. On errors it backs off 5 s doubling to 60 s (jittered, at least the server's
///   `Retry-After`); on 401/403 it logs an error and pauses 5 minutes, like the sender.
///   A server that answers an empty poll at once does not make it spin (1 s minimum).
/// - The agent key only travels in the `Authorization` header; messages never contain it.
public final class CommandChannel: Sendable {
    public static let longPollWait = 25
    public static let credentialPause = 300.0
    static let minBackoff = 5.0
    static let maxBackoff = 60.0
    static let resultAttempts = 3

    public let baseURL: String
    private let agentKey: SecretValue
    private let transport: any HTTPTransport
    private let logger: Logger
    private let clock: @Sendable () -> Date
    private let sleep: @Sendable (Double) async throws -> Void
    private let random: @Sendable (ClosedRange<Double>) -> Double
    private let executor = BlockingExecutor(label: "logstag.commands")

    public init(
        baseURL: String, agentKey: SecretValue, transport: any HTTPTransport, logger: Logger = Logger(label: "logstag.commands"),
        clock: @escaping @Sendable () -> Date = { Date() },
        sleep: @escaping @Sendable (Double) async throws -> Void = { try await Task.sleep(for: .milliseconds(Int64($0 * 1000))) },
        random: @escaping @Sendable (ClosedRange<Double>) -> Double = { Double.random(in: $0) }
    ) {
        self.baseURL = baseURL
        self.agentKey = agentKey
        self.transport = transport
        self.logger = logger
        self.clock = clock
        self.sleep = sleep
        self.random = random
    }

    // MARK: - Single requests

    /// Waits up to `wait` seconds (at most 30) for commands; an empty list when none came.
    public func poll(wait: Int) throws(CommandChannelError) -> [AgentCommand] {
        let seconds = max(0, min(wait, 30))
        let response = try send(
            HTTPRequest(
                method: "GET", url: AgentAPI.url(baseURL, AgentAPI.commandsPath) + "?wait=\(seconds)",
                headers: AgentAPI.headers(agentKey: agentKey, contentType: nil), timeout: Double(seconds) + 15))
        switch response.status {
        case 204:
            return []
        case 200:
            guard let items = try? WireCoding.decoder().decode([LenientCommand].self, from: response.body) else {
                throw CommandChannelError(
                    kind: .unexpectedAnswer,
                    message: "The server's command list could not be read. Check that api_base_url points at the Logstag server and that the agent and server versions match.")
            }
            let skipped = items.filter { $0.command == nil }.count
            if skipped > 0 {
                logger.warning("Skipped \(skipped) command(s) of a kind this agent version does not know; upgrade the agent to run them.")
            }
            return items.compactMap(\.command)
        default:
            throw failure(response, doing: "polling for commands")
        }
    }

    /// Posts the outcome of one command.
    public func post(_ result: CommandResult) throws(CommandChannelError) {
        let body: Data
        do {
            body = try WireCoding.encoder().encode(result)
        } catch {
            throw CommandChannelError(kind: .unexpectedAnswer, message: "The result of command \(result.commandID) could not be encoded.")
        }
        let id = result.commandID.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? result.commandID
        let response = try send(
            HTTPRequest(
                method: "POST", url: AgentAPI.url(baseURL, AgentAPI.commandsPath) + "/\(id)/result", headers: AgentAPI.headers(agentKey: agentKey),
                body: body, timeout: 30))
        guard (200..<300).contains(response.status) else {
            throw failure(response, doing: "posting the result of command \(result.commandID)")
        }
    }

    private func send(_ request: HTTPRequest) throws(CommandChannelError) -> HTTPResponse {
        do {
            return try transport.send(request)
        } catch {
            throw CommandChannelError(kind: error.isTLSVerification ? .tlsVerification : .transport, message: error.message)
        }
    }

    private func failure(_ response: HTTPResponse, doing what: String) -> CommandChannelError {
        let retryAfter = response.headers["retry-after"].flatMap { RetryAfter.seconds($0, now: clock()) }
        if response.status == 401 || response.status == 403 {
            return CommandChannelError(
                kind: .credentialsRejected,
                message: "The Logstag server rejected this agent's key while \(what) (\(AgentAPI.describe(response))). Commands such as connection tests cannot reach this agent; the agent retries every 5 minutes. If the agent was revoked or deleted on the server, enroll it again with a new registration token from the asset's page."
            )
        }
        return CommandChannelError(
            kind: .unexpectedAnswer, message: "The server answered \(AgentAPI.describe(response)) while \(what).", retryAfter: retryAfter)
    }

    // MARK: - The loop

    /// Long-polls and answers commands until the task is cancelled.
    public func run(handler: @escaping @Sendable (AgentCommand) async -> CommandResult) async {
        var failures = 0
        while !Task.isCancelled {
            let started = clock()
            guard let outcome = await executor.run({ () -> Result<[AgentCommand], CommandChannelError> in
                do throws(CommandChannelError) {
                    return .success(try self.poll(wait: Self.longPollWait))
                } catch {
                    return .failure(error)
                }
            }) else { return }
            let wait: Double
            switch outcome {
            case .success(let commands):
                failures = 0
                if commands.isEmpty {
                    wait = max(0, 1 - clock().timeIntervalSince(started))
                } else {
                    await answer(commands, handler: handler)
                    wait = 0
                }
            case .failure(let error) where error.kind == .credentialsRejected:
                logger.error("\(error.message)")
                failures = 0
                wait = Self.credentialPause
            case .failure(let error):
                failures += 1
                wait = max(backoff(afterFailures: failures), min(error.retryAfter ?? 0, 3_600))
                let message = "Command polling failed: \(error.message) Retrying in \(Int(wait.rounded(.up))) s."
                if error.kind == .tlsVerification { logger.error("\(message)") } else { logger.warning("\(message)") }
            }
            if wait > 0 {
                do { try await sleep(wait) } catch { return }
            }
        }
    }

    /// 5 s, then doubling up to 60 s, each drawn from the upper half of its range.
    func backoff(afterFailures failures: Int) -> Double {
        let ceiling = min(Self.maxBackoff, Self.minBackoff * Double(1 << min(max(failures - 1, 0), 30)))
        return random(max(Self.minBackoff, ceiling / 2)...ceiling)
    }

    private func answer(_ commands: [AgentCommand], handler: @escaping @Sendable (AgentCommand) async -> CommandResult) async {
        await withTaskGroup(of: Void.self) { group in
            for command in commands {
                group.addTask {
                    let result = await handler(command)
                    await self.deliver(result)
                }
            }
        }
    }

    private func deliver(_ result: CommandResult) async {
        for attempt in 1...Self.resultAttempts {
            guard let outcome = await executor.run({ () -> CommandChannelError? in
                do throws(CommandChannelError) {
                    try self.post(result)
                    return nil
                } catch {
                    return error
                }
            }) else { return }
            guard let error = outcome else { return }
            if error.kind == .credentialsRejected || attempt == Self.resultAttempts {
                logger.error("Could not post the result of command \(result.commandID): \(error.message)")
                return
            }
            do { try await sleep(2) } catch { return }
        }
    }
}

/// One element of the command list; nil for a command kind this agent does not know.
private struct LenientCommand: Decodable {
    let command: AgentCommand?

    init(from decoder: any Decoder) throws {
        command = try? AgentCommand(from: decoder)
    }
}
