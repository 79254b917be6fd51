import Foundation
import Logging
import LogstagCore
import Synchronization

@testable import LogstagAgent

/// An in-process `HTTPTransport` that answers from a script and records every request.
final class ScriptedTransport: HTTPTransport {
    enum Step: Sendable {
        case respond(HTTPResponse)
        case fail(TransportError)
    }

    private let state: Mutex<(steps: [Step], requests: [HTTPRequest])>
    private let whenEmpty: Step

    init(_ steps: [Step], whenEmpty: Step = .fail(TransportError(message: "The script has no more answers."))) {
        state = Mutex((steps, []))
        self.whenEmpty = whenEmpty
    }

    var requests: [HTTPRequest] { state.withLock { $0.requests } }

    func send(_ request: HTTPRequest) throws(TransportError) -> HTTPResponse {
        let step = state.withLock { state -> Step in
            state.requests.append(request)
            return state.steps.isEmpty ? whenEmpty : state.steps.removeFirst()
        }
        switch step {
        case .respond(let response): return response
        case .fail(let error): throw error
        }
    }

    static func json(_ status: Int, _ body: String, headers: [String: String] = [:]) -> Step {
        var all = headers
        all["content-type"] = "application/json"
        return .respond(HTTPResponse(status: status, headers: all, body: Data(body.utf8)))
    }

    static func error(_ status: Int, code: String, message: String, headers: [String: String] = [:]) -> Step {
        json(status, #"{"code":"\#(code)","message":"\#(message)"}"#, headers: headers)
    }
}

extension HTTPRequest {
    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}

/// Collects log lines so tests can check what an operator would see.
final class DeliveryLogCapture: Sendable {
    struct Line: Sendable {
        var level: Logger.Level
        var message: String
    }

    private let lines = Mutex<[Line]>([])

    var logger: Logger {
        Logger(label: "test") { _ in CapturingHandler(capture: self) }
    }

    var all: [Line] { lines.withLock { $0 } }

    func messages(atLeast level: Logger.Level) -> [String] {
        all.filter { $0.level >= level }.map(\.message)
    }

    fileprivate func append(_ line: Line) {
        lines.withLock { $0.append(line) }
    }
}

private struct CapturingHandler: LogHandler {
    let capture: DeliveryLogCapture
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        capture.append(DeliveryLogCapture.Line(level: event.level, message: event.message.description))
    }
}

/// A clock tests move by hand.
final class DeliveryTestClock: Sendable {
    private let now: Mutex<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_750_000_000)) {
        now = Mutex(start)
    }

    var date: Date { now.withLock { $0 } }

    func advance(_ seconds: TimeInterval) {
        now.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    var function: @Sendable () -> Date { { self.date } }
}

/// Builders for payloads and scratch directories.
enum DeliveryFixtures {
    static func payload(asset: String = "asset-1", tier: Tier = .high, at date: Date, signals: Int = 1, rows: Int = 2, padding: Int = 0)
        -> TargetPayload
    {
        let filler = String(repeating: "x", count: padding)
        return TargetPayload(
            assetID: asset, targetName: "target-\(asset)", tier: tier, collectedAt: date, instance: InstanceInfo(version: "15.18"),
            targetStatus: TargetStatus(ok: true),
            signals: (0..<signals).map { index in
                SignalPayload(
                    name: "signal_\(index)", status: .ok, durationMs: 1.5,
                    rows: (0..<rows).map { row in ["value": .number(Double(row)), "tag_name": .string("row\(row)"), "text": .string(filler)] })
            })
    }

    /// A payload whose text does not compress (random hex), about `bytes` long.
    static func incompressible(asset: String, at date: Date, bytes: Int) -> TargetPayload {
        var text = ""
        text.reserveCapacity(bytes)
        while text.utf8.count < bytes {
            text += UUID().uuidString
        }
        return TargetPayload(
            assetID: asset, targetName: "target-\(asset)", tier: .high, collectedAt: date, targetStatus: TargetStatus(ok: true),
            signals: [SignalPayload(name: "noise", status: .ok, durationMs: 1, rows: [["text": .string(text)]])])
    }

    static func directory() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("logstag-spool-\(UUID().uuidString)").path
        return path
    }

    static func spool(
        _ directory: String, maxBytes: Int = 64 << 20, clock: DeliveryTestClock? = nil, poisonLimit: Int = 100, exportDirectory: String? = nil,
        logger: Logger = Logger(label: "test")
    ) throws -> Spool {
        var now: @Sendable () -> Date = { Date() }
        if let clock { now = clock.function }
        return try Spool(
            directory: directory, maxBytes: maxBytes, hostname: "agent-host", agentVersion: "1.0.0-test", poisonLimit: poisonLimit,
            exportDirectory: exportDirectory, clock: now, logger: logger)
    }

    static func files(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }

    static func permissions(of path: String) -> Int? {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? NSNumber)?.intValue
    }
}
