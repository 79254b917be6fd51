import Foundation
import LogstagCore
import Synchronization
import Testing

@testable import LogstagAgent

@Suite("CommandChannel", .timeLimit(.minutes(1)))
struct CommandChannelTests {
    static let agentKey = "lsa_ABCDEFGHIJKLagentkeyagentkeyagentkeyagentk000000"
    static let issued = Date(timeIntervalSince1970: 1_750_000_000)

    static func commandsJSON(_ commands: [AgentCommand], extra: String? = nil) throws -> String {
        var text = String(decoding: try WireCoding.encoder().encode(commands), as: UTF8.self)
        if let extra {
            text = String(text.dropLast()) + (commands.isEmpty ? "" : ",") + extra + "]"
        }
        return text
    }

    func channel(_ transport: any HTTPTransport, baseURL: String = "https://logstag.example.test", logs: DeliveryLogCapture = DeliveryLogCapture(),
                 sleep: @escaping @Sendable (Double) async throws -> Void = { _ in }) -> CommandChannel {
        CommandChannel(
            baseURL: baseURL, agentKey: SecretValue(Self.agentKey), transport: transport, logger: logs.logger, sleep: sleep,
            random: { $0.upperBound })
    }

    @Test("poll asks for wait=N with a timeout above it, sends the key, decodes commands and skips unknown kinds")
    func poll() throws {
        let command = AgentCommand(id: "cmd1", kind: .connectionTest, assetID: "asset9", issuedAt: Self.issued)
        let unknown = #"{"id":"cmd2","kind":"reboot_the_database","asset_id":"asset9","issued_at":"2025-06-15T15:06:40.000Z"}"#
        let transport = ScriptedTransport([
            ScriptedTransport.json(200, try Self.commandsJSON([command], extra: unknown)), .respond(HTTPResponse(status: 204)),
        ])
        let logs = DeliveryLogCapture()
        let channel = channel(transport, logs: logs)
        #expect(try channel.poll(wait: 25) == [command])
        #expect(try channel.poll(wait: 99) == [])
        let requests = transport.requests
        #expect(requests[0].method == "GET")
        #expect(requests[0].url == "https://logstag.example.test/api/v1/agent/commands?wait=25")
        #expect(requests[0].timeout == 40)
        #expect(requests[0].header("Authorization") == "Bearer \(Self.agentKey)")
        #expect(requests[1].url.hasSuffix("?wait=30"))
        #expect(logs.messages(atLeast: .warning).contains { $0.contains("does not know") })
    }

    @Test("post sends the result as wire JSON to /commands/{id}/result")
    func post() throws {
        let result = CommandResult(
            commandID: "cmd1", ok: true,
            result: ConnectionTestResult(success: true, engine: .postgresql, agentVersion: "1.0.0", checks: [PrerequisiteCheck(name: "Login", status: .pass)]))
        let transport = ScriptedTransport([.respond(HTTPResponse(status: 204))])
        try channel(transport).post(result)
        let request = try #require(transport.requests.first)
        #expect(request.method == "POST")
        #expect(request.url == "https://logstag.example.test/api/v1/agent/commands/cmd1/result")
        #expect(try WireCoding.decoder().decode(CommandResult.self, from: request.body!) == result)
    }

    @Test("401/403 are credentialsRejected; other answers are errors with the server's text; the key never appears")
    func errors() throws {
        let transport = ScriptedTransport([
            ScriptedTransport.error(401, code: "token_revoked", message: "The agent key was revoked."),
            ScriptedTransport.error(403, code: "forbidden", message: "No."),
            ScriptedTransport.error(503, code: "overloaded", message: "busy", headers: ["retry-after": "9"]),
            .fail(TransportError(message: "certificate; set server_ca_file", isTLSVerification: true)),
        ])
        let channel = channel(transport)
        var errors: [CommandChannelError] = []
        for _ in 0..<4 {
            do {
                _ = try channel.poll(wait: 25)
            } catch {
                errors.append(error)
            }
        }
        #expect(errors.map(\.kind) == [.credentialsRejected, .credentialsRejected, .unexpectedAnswer, .tlsVerification])
        #expect(errors[0].message.contains("enroll it again"))
        #expect(errors[2].retryAfter == 9)
        #expect(errors.allSatisfy { !$0.message.contains(Self.agentKey) })
    }

    @Test("run answers each command, posts its result, backs off 5 s on errors, pauses 5 minutes on 401, and stops when cancelled")
    func runLoop() async throws {
        let command = AgentCommand(id: "cmd1", kind: .connectionTest, assetID: "asset9", issuedAt: Self.issued)
        let transport = ScriptedTransport([
            ScriptedTransport.json(200, try Self.commandsJSON([command])),
            .respond(HTTPResponse(status: 204)),  // the result post
            ScriptedTransport.error(500, code: "internal", message: "boom"),
            .fail(TransportError(message: "Could not connect.")),
            ScriptedTransport.error(401, code: "token_revoked", message: "The agent key was revoked."),
        ])
        let waits = Mutex<[Double]>([])
        let handled = Mutex<[AgentCommand]>([])
        let logs = DeliveryLogCapture()
        let channel = channel(transport, logs: logs) { seconds in
            let count = waits.withLock { waits in
                waits.append(seconds)
                return waits.count
            }
            if count >= 3 { throw CancellationError() }
        }
        await channel.run { command in
            handled.withLock { $0.append(command) }
            return CommandResult(commandID: command.id, ok: true, message: "done")
        }
        #expect(handled.withLock { $0 } == [command])
        #expect(waits.withLock { $0 } == [5, 10, 300])
        let urls = transport.requests.map(\.url)
        #expect(urls[1] == "https://logstag.example.test/api/v1/agent/commands/cmd1/result")
        #expect(try WireCoding.decoder().decode(CommandResult.self, from: transport.requests[1].body!).message == "done")
        #expect(logs.messages(atLeast: .error).contains { $0.contains("token_revoked") })
    }

    @Test("Backoff stays between 5 and 60 seconds")
    func backoffRange() {
        let channel = CommandChannel(
            baseURL: "https://x.test", agentKey: SecretValue("k"), transport: ScriptedTransport([]), random: { $0.lowerBound })
        let upper = CommandChannel(
            baseURL: "https://x.test", agentKey: SecretValue("k"), transport: ScriptedTransport([]), random: { $0.upperBound })
        #expect((1...8).map { channel.backoff(afterFailures: $0) } == [5, 5, 10, 20, 30, 30, 30, 30])
        #expect((1...8).map { upper.backoff(afterFailures: $0) } == [5, 10, 20, 40, 60, 60, 60, 60])
    }

    @Test("Over real HTTP: a queued command is delivered by the long-poll and its result reaches the server")
    func realHTTP() async throws {
        let command = AgentCommand(id: "abc123", kind: .snapshot, assetID: "asset9", issuedAt: Self.issued)
        let server = try FakeLogstagServer(script: [
            .init(path: "/api/v1/agent/commands?", status: 200, body: try Self.commandsJSON([command]), delayMs: 200),
            .init(path: "/api/v1/agent/commands/abc123/result", status: 204),
        ])
        let handled = Mutex<Int>(0)
        let channel = CommandChannel(baseURL: server.baseURL, agentKey: SecretValue(Self.agentKey), transport: CurlTransport())
        let task = Task {
            await channel.run { command in
                handled.withLock { $0 += 1 }
                return CommandResult(commandID: command.id, ok: false, message: "not supported here")
            }
        }
        let deadline = Date().addingTimeInterval(10)
        while try server.requests().count < 2, Date() < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        task.cancel()
        let requests = try server.requests()
        #expect(handled.withLock { $0 } == 1)
        #expect(requests.count >= 2)
        #expect(requests[0].path == "/api/v1/agent/commands?wait=25")
        #expect(requests[0].headers["authorization"] == "Bearer \(Self.agentKey)")
        #expect(requests[1].path == "/api/v1/agent/commands/abc123/result")
        #expect(try WireCoding.decoder().decode(CommandResult.self, from: requests[1].body).message == "not supported here")
    }
}
