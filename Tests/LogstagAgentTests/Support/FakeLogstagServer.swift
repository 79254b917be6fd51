import Foundation

/// A scripted HTTP(S) peer for delivery tests: a real Python `http.server` on 127.0.0.1 (a real
/// socket, real TLS when asked), started per test and stopped when the value is released.
///
/// Contract:
/// - Fixed routes: `/echo` answers 200 with a JSON description of the request it got (method,
///   path, lowercased headers, body in base64 and, for a gzip body, the decompressed body) and
///   the header `X-Echo-Reply` twice (values `one`, `two`);
///   `/status/<code>` answers that status; `/big` answers 9 MiB; `/slow/<ms>` waits then 200;
///   `/redirect` answers 302 to `/echo`.
/// - Any other path is served from `script` first: the first unused answer whose `path` is a
///   prefix of the request path. When none is left, `/api/v1/agent/ingest` behaves like the
///   Logstag server (Bearer agent key, gzip, Idempotency-Key, 200 stored / duplicate, 422 for a
///   reused key with another body), `/api/v1/agent/commands` answers 204, anything else 404 JSON.
/// - Every request except the fixed routes is recorded; `requests()` returns them in order.
/// - The agent key reaches Python in a 0600 file (never in argv).
final class FakeLogstagServer: @unchecked Sendable {
    /// One scripted answer.
    struct Answer: Encodable {
        var path: String
        var status: Int
        var headers: [String: String] = [:]
        var body: String = ""
        var delayMs: Int = 0

        enum CodingKeys: String, CodingKey {
            case path, status, headers, body
            case delayMs = "delay_ms"
        }
    }

    /// One request the server received.
    struct Recorded: Decodable {
        var method: String
        var path: String
        var headers: [String: String]
        var bodyBase64: String
        var decodedBase64: String?
        var outcome: String

        var body: Data { Data(base64Encoded: bodyBase64) ?? Data() }
        /// The body after gzip decoding (or the body itself when it was not compressed).
        var decoded: Data { decodedBase64.flatMap { Data(base64Encoded: $0) } ?? body }

        enum CodingKeys: String, CodingKey {
            case method, path, headers, outcome
            case bodyBase64 = "body_b64"
            case decodedBase64 = "decoded_b64"
        }
    }

    /// A self-signed certificate for 127.0.0.1 / localhost and its key, as PEM files; the files
    /// are deleted when the value is released.
    final class Certificate: Sendable {
        let certificatePath: String
        let keyPath: String
        let directory: URL

        init(directory: URL) {
            self.directory = directory
            certificatePath = directory.appendingPathComponent("cert.pem").path
            keyPath = directory.appendingPathComponent("key.pem").path
        }

        deinit { try? FileManager.default.removeItem(at: directory) }
    }

    let baseURL: String
    let port: Int
    private let process: Process
    /// Kept open for the server's lifetime; Python exits when it reads EOF (test process gone).
    private let lifeline = Pipe()
    private let directory: URL
    private let logPath: URL

    init(certificate: Certificate? = nil, script: [Answer] = [], agentKey: String? = nil) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("fake-logstag-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let scriptFile = directory.appendingPathComponent("server.py")
        try Self.python.write(to: scriptFile, atomically: true, encoding: .utf8)
        let answersFile = directory.appendingPathComponent("script.json")
        try JSONEncoder().encode(script).write(to: answersFile)
        let portFile = directory.appendingPathComponent("port")
        logPath = directory.appendingPathComponent("requests.jsonl")

        var arguments = ["python3", scriptFile.path, "--port-file", portFile.path, "--script", answersFile.path, "--log", logPath.path]
        if let certificate {
            arguments += ["--cert", certificate.certificatePath, "--key", certificate.keyPath]
        }
        if let agentKey {
            // A file, not argv: secrets never go on a command line.
            let keyFile = directory.appendingPathComponent("agent-key")
            _ = FileManager.default.createFile(atPath: keyFile.path, contents: Data(agentKey.utf8), attributes: [.posixPermissions: 0o600])
            arguments += ["--agent-key-file", keyFile.path]
        }
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let stderrFile = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = lifeline
        try process.run()

        let deadline = Date().addingTimeInterval(15)
        var found: Int?
        while Date() < deadline {
            if let text = try? String(contentsOf: portFile, encoding: .utf8), let value = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                found = value
                break
            }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        guard let found else {
            process.terminate()
            let stderr = (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? ""
            throw FakeServerError(message: "The fake Logstag server (python3) did not start: \(stderr)")
        }
        port = found
        baseURL = "\(certificate == nil ? "http" : "https")://127.0.0.1:\(found)"
    }

    deinit { stop() }

    func stop() {
        if process.isRunning {
            process.terminate()
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// The requests received so far (fixed routes excluded), oldest first.
    func requests() throws -> [Recorded] {
        guard let data = FileManager.default.contents(atPath: logPath.path) else { return [] }
        return try data.split(separator: UInt8(ascii: "\n")).map { try JSONDecoder().decode(Recorded.self, from: Data($0)) }
    }

    /// Generates a fresh self-signed certificate (EC P-256, valid one day) with `openssl req`.
    static func makeCertificate() throws -> Certificate {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fake-logstag-cert-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let result = Certificate(directory: directory)
        let certificate = result.certificatePath
        let key = result.keyPath
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out",
            certificate, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        guard openssl.terminationStatus == 0, FileManager.default.fileExists(atPath: certificate) else {
            throw FakeServerError(message: "openssl req could not generate a test certificate (exit \(openssl.terminationStatus)).")
        }
        return result
    }

    struct FakeServerError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    static let python = #"""
        import argparse, base64, gzip, hashlib, json, os, signal, ssl, sys, threading, time
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        parser = argparse.ArgumentParser()
        parser.add_argument("--port-file", required=True)
        parser.add_argument("--script", required=True)
        parser.add_argument("--log", required=True)
        parser.add_argument("--cert")
        parser.add_argument("--key")
        parser.add_argument("--agent-key-file")
        args = parser.parse_args()

        # The test process may hand down a blocked SIGTERM; make terminate() work again.
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


        def exit_with_parent():
            # stdin is a pipe from the test process: EOF means the test process is gone.
            sys.stdin.read()
            os._exit(0)


        threading.Thread(target=exit_with_parent, daemon=True).start()

        lock = threading.Lock()
        with open(args.script) as f:
            script = json.load(f)
        stored = {}  # idempotency key -> sha256 of the decompressed body
        agent_key = None
        if args.agent_key_file:
            with open(args.agent_key_file) as f:
                agent_key = f.read()


        def next_answer(path):
            with lock:
                for i, answer in enumerate(script):
                    if path.startswith(answer["path"]):
                        return script.pop(i)
            return None


        def record(entry):
            with lock:
                with open(args.log, "a") as f:
                    f.write(json.dumps(entry) + "\n")
                    f.flush()


        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def reply(self, status, body=b"", headers=None):
                if isinstance(body, str):
                    body = body.encode()
                self.send_response(status)
                pairs = list(headers.items()) if isinstance(headers, dict) else list(headers or [])
                if body and not any(name.lower() == "content-type" for name, _ in pairs):
                    pairs.append(("Content-Type", "application/json"))
                for name, value in pairs:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body:
                    self.wfile.write(body)

            def error(self, status, code, message):
                self.reply(status, json.dumps({"code": code, "message": message}))

            def handle_any(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                decoded = None
                if headers.get("content-encoding") == "gzip":
                    try:
                        decoded = gzip.decompress(body)
                    except Exception:
                        decoded = None
                path = self.path
                if path.startswith("/echo"):
                    return self.reply(200, json.dumps({
                        "method": self.command, "path": path, "headers": headers,
                        "body_b64": base64.b64encode(body).decode(),
                        "decoded_b64": base64.b64encode(decoded).decode() if decoded is not None else None,
                    }), [("X-Echo-Reply", "one"), ("X-Echo-Reply", "two")])
                if path.startswith("/status/"):
                    code = int(path.split("/")[2].split("?")[0])
                    extra = {"Retry-After": "7"} if code in (429, 503) else {}
                    return self.reply(code, json.dumps({"code": "status_%d" % code, "message": "Status %d as asked." % code}) if code != 204 else b"", extra)
                if path.startswith("/big"):
                    return self.reply(200, b"x" * (9 << 20), {"Content-Type": "text/plain"})
                if path.startswith("/slow/"):
                    time.sleep(int(path.split("/")[2]) / 1000.0)
                    return self.reply(200, json.dumps({"slept": True}))
                if path.startswith("/redirect"):
                    return self.reply(302, b"", {"Location": "/echo"})

                answer = next_answer(path)
                entry = {
                    "method": self.command, "path": path, "headers": headers,
                    "body_b64": base64.b64encode(body).decode(),
                    "decoded_b64": base64.b64encode(decoded).decode() if decoded is not None else None,
                    "outcome": "scripted" if answer else "default",
                }
                if answer:
                    record(entry)
                    if answer.get("delay_ms"):
                        time.sleep(answer["delay_ms"] / 1000.0)
                    return self.reply(answer["status"], answer.get("body", ""), answer.get("headers") or {})

                if path.startswith("/api/v1/agent/ingest") and self.command == "POST":
                    status, payload = self.ingest(headers, body, decoded)
                    entry["outcome"] = payload.get("status") or payload.get("code")
                    record(entry)
                    return self.reply(status, json.dumps(payload))
                record(entry)
                if path.startswith("/api/v1/agent/commands") and self.command == "GET":
                    return self.reply(204)
                return self.error(404, "not_found", "Nothing is scripted for this path.")

            def ingest(self, headers, body, decoded):
                auth = headers.get("authorization", "")
                if agent_key is not None:
                    if auth != "Bearer " + agent_key:
                        return 401, {"code": "token_invalid", "message": "The agent key is not valid."}
                key = headers.get("idempotency-key")
                if not key:
                    return 400, {"code": "missing_idempotency_key", "message": "Send an Idempotency-Key header."}
                if headers.get("content-encoding") == "gzip":
                    if decoded is None:
                        return 400, {"code": "invalid_gzip", "message": "The body is not valid gzip."}
                    text = decoded
                else:
                    text = body
                try:
                    batch = json.loads(text)
                except Exception:
                    return 400, {"code": "invalid_json", "message": "The body is not valid JSON."}
                if batch.get("batch_id") != key:
                    return 400, {"code": "invalid_batch", "message": "batch_id must equal the Idempotency-Key."}
                digest = hashlib.sha256(text).hexdigest()
                with lock:
                    previous = stored.get(key)
                    if previous is None:
                        stored[key] = digest
                        return 200, {"status": "stored", "points": len(batch.get("payloads", []))}
                if previous == digest:
                    return 200, {"status": "duplicate"}
                return 422, {"code": "idempotency_key_reused", "message": "This Idempotency-Key was already used for a different batch."}

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = handle_any


        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        if args.cert:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(args.cert, args.key)
            server.socket = context.wrap_socket(server.socket, server_side=True)
        with open(args.port_file + ".tmp", "w") as f:
            f.write(str(server.server_address[1]))
        os.rename(args.port_file + ".tmp", args.port_file)
        server.serve_forever()
        """#
}
