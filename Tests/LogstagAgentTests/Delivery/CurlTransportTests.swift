import Foundation
import Synchronization
import Testing

@testable import LogstagAgent

/// CurlTransport against a real local HTTP(S) server (Python, see FakeLogstagServer).
@Suite("CurlTransport over real sockets", .timeLimit(.minutes(2)))
struct CurlTransportTests {
    struct Echo: Decodable {
        var method: String
        var path: String
        var headers: [String: String]
        var body_b64: String
        var decoded_b64: String?
    }

    @Test("Plain HTTP: method, headers and body arrive; the answer's status, lowercased headers and body come back")
    func plainHTTP() throws {
        let server = try FakeLogstagServer()
        let transport = CurlTransport(userAgent: "logstag-agent/test")
        let body = Data(#"{"hello":"world"}"#.utf8)
        let response = try transport.send(
            HTTPRequest(method: "POST", url: server.baseURL + "/echo/x?y=1", headers: [("Content-Type", "application/json"), ("X-Custom", "abc")], body: body))
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "application/json")
        #expect(response.headers["x-echo-reply"] == "one, two")
        let echo = try JSONDecoder().decode(Echo.self, from: response.body)
        #expect(echo.method == "POST")
        #expect(echo.path == "/echo/x?y=1")
        #expect(echo.headers["x-custom"] == "abc")
        #expect(echo.headers["user-agent"] == "logstag-agent/test")
        #expect(echo.headers["expect"] == nil)
        #expect(Data(base64Encoded: echo.body_b64) == body)

        let get = try transport.send(HTTPRequest(method: "GET", url: server.baseURL + "/echo"))
        #expect(get.status == 200)
        #expect(try JSONDecoder().decode(Echo.self, from: get.body).method == "GET")
    }

    @Test("A gzip body compressed by Gzip is decoded by Python's gzip into the original bytes")
    func gzipInterop() throws {
        let server = try FakeLogstagServer()
        let original = Data((0..<5000).map { "row \($0) of the batch\n" }.joined().utf8)
        let compressed = try Gzip.compress(original)
        #expect(compressed.count < original.count / 4)
        #expect(Array(compressed.prefix(2)) == [0x1f, 0x8b])
        let response = try CurlTransport().send(
            HTTPRequest(method: "POST", url: server.baseURL + "/echo", headers: [("Content-Encoding", "gzip")], body: compressed))
        let echo = try JSONDecoder().decode(Echo.self, from: response.body)
        #expect(echo.decoded_b64.flatMap { Data(base64Encoded: $0) } == original)
        #expect(try Gzip.decompress(compressed, limit: original.count) == original)
        #expect(throws: Gzip.Failure.tooLarge) { try Gzip.decompress(compressed, limit: original.count - 1) }
        #expect(throws: Gzip.Failure.self) { try Gzip.decompress(compressed.prefix(compressed.count / 2), limit: 1 << 20) }
    }

    @Test("An empty POST body is sent as Content-Length 0 (libcurl must not read stdin)")
    func emptyPost() throws {
        let server = try FakeLogstagServer()
        let response = try CurlTransport().send(HTTPRequest(method: "POST", url: server.baseURL + "/echo", body: nil, timeout: 5))
        let echo = try JSONDecoder().decode(Echo.self, from: response.body)
        #expect(echo.method == "POST")
        #expect(echo.headers["content-length"] == "0")
    }

    @Test("HTTPS with a self-signed certificate fails verification without a CA file, naming server_ca_file")
    func tlsWithoutCAFile() throws {
        let certificate = try FakeLogstagServer.makeCertificate()
        let server = try FakeLogstagServer(certificate: certificate)
        let secret = "lsa_secretvalue-never-in-messages"
        let error = #expect(throws: TransportError.self) {
            try CurlTransport().send(HTTPRequest(method: "POST", url: server.baseURL + "/echo", headers: [("Authorization", "Bearer \(secret)")], body: Data("x".utf8)))
        }
        #expect(error?.isTLSVerification == true)
        #expect(error?.message.contains("server_ca_file") == true)
        #expect(error?.message.contains(server.baseURL) == true)
        #expect(error?.message.contains(secret) == false)
    }

    @Test("HTTPS with caFile pointing at the server's certificate succeeds")
    func tlsWithCAFile() throws {
        let certificate = try FakeLogstagServer.makeCertificate()
        let server = try FakeLogstagServer(certificate: certificate)
        let transport = CurlTransport(caFile: certificate.certificatePath)
        let response = try transport.send(HTTPRequest(method: "POST", url: server.baseURL + "/echo", body: Data("hello".utf8)))
        #expect(response.status == 200)
        let echo = try JSONDecoder().decode(Echo.self, from: response.body)
        #expect(Data(base64Encoded: echo.body_b64) == Data("hello".utf8))
        // A second request on the same transport (an idle handle, reset and reused) works too.
        #expect(try transport.send(HTTPRequest(method: "GET", url: server.baseURL + "/echo")).status == 200)
    }

    @Test("A CA file that does not vouch for the server still fails, and the message names the file")
    func tlsWithWrongCAFile() throws {
        let served = try FakeLogstagServer.makeCertificate()
        let other = try FakeLogstagServer.makeCertificate()
        let server = try FakeLogstagServer(certificate: served)
        let error = #expect(throws: TransportError.self) {
            try CurlTransport(caFile: other.certificatePath).send(HTTPRequest(method: "GET", url: server.baseURL + "/echo"))
        }
        #expect(error?.isTLSVerification == true)
        #expect(error?.message.contains(other.certificatePath) == true)

        let missing = #expect(throws: TransportError.self) {
            try CurlTransport(caFile: "/nonexistent/ca.pem").send(HTTPRequest(method: "GET", url: server.baseURL + "/echo"))
        }
        #expect(missing?.isTLSVerification == true)
        #expect(missing?.message.contains("server_ca_file") == true)
    }

    @Test("Status codes and headers of non-2xx answers are returned, redirects are not followed")
    func statusesAndRedirects() throws {
        let server = try FakeLogstagServer()
        let transport = CurlTransport()
        let unavailable = try transport.send(HTTPRequest(method: "POST", url: server.baseURL + "/status/503", body: Data("{}".utf8)))
        #expect(unavailable.status == 503)
        #expect(unavailable.headers["retry-after"] == "7")
        let redirect = try transport.send(HTTPRequest(method: "POST", url: server.baseURL + "/redirect", body: Data("{}".utf8)))
        #expect(redirect.status == 302)
        #expect(redirect.headers["location"] == "/echo")
        #expect(try transport.send(HTTPRequest(method: "GET", url: server.baseURL + "/status/204")).status == 204)
    }

    @Test("An answer over 8 MiB is refused")
    func responseCap() throws {
        let server = try FakeLogstagServer()
        let error = #expect(throws: TransportError.self) {
            try CurlTransport().send(HTTPRequest(method: "GET", url: server.baseURL + "/big"))
        }
        #expect(error?.message.contains("8 MiB") == true)
        #expect(error?.isTLSVerification == false)
    }

    @Test("The request timeout bounds a slow answer")
    func timeout() throws {
        let server = try FakeLogstagServer()
        let started = Date()
        let error = #expect(throws: TransportError.self) {
            try CurlTransport().send(HTTPRequest(method: "GET", url: server.baseURL + "/slow/3000", timeout: 0.5))
        }
        #expect(Date().timeIntervalSince(started) < 2.5)
        #expect(error?.message.contains("timed out") == true)
    }

    @Test("Connection refused is a transport error that names the origin only")
    func refused() throws {
        // Start and stop a server to get a port that is (almost certainly) closed now.
        let server = try FakeLogstagServer()
        let url = server.baseURL
        server.stop()
        let error = #expect(throws: TransportError.self) {
            try CurlTransport().send(HTTPRequest(method: "GET", url: "http://user:pw-secret@127.0.0.1:\(server.port)/api/v1/agent/commands?token=abc", timeout: 5))
        }
        #expect(error?.message.contains(url) == true)
        #expect(error?.message.contains("pw-secret") == false)
        #expect(error?.message.contains("token=abc") == false)
        #expect(error?.isTLSVerification == false)
    }

    @Test("Header values with line breaks are refused before anything is sent")
    func headerInjection() throws {
        let error = #expect(throws: TransportError.self) {
            try CurlTransport().send(HTTPRequest(method: "GET", url: "http://127.0.0.1:1/", headers: [("X-Evil", "a\r\nInjected: yes")]))
        }
        #expect(error?.message.contains("Injected") == false)
    }

    @Test("Concurrent requests run in parallel: a fast one is not stuck behind a slow long-poll")
    func parallel() throws {
        let server = try FakeLogstagServer()
        let transport = CurlTransport()
        let url = server.baseURL
        // Plain threads, as the agent's blocking callers use: this measures the transport only.
        let finished = Mutex<[String: Date]>([:])
        let group = DispatchGroup()
        let slowStarted = DispatchSemaphore(value: 0)
        group.enter()
        Thread.detachNewThread {
            slowStarted.signal()
            _ = try? transport.send(HTTPRequest(method: "GET", url: url + "/slow/1500"))
            finished.withLock { $0["slow"] = Date() }
            group.leave()
        }
        slowStarted.wait()
        Thread.sleep(forTimeInterval: 0.2)
        let fast = try transport.send(HTTPRequest(method: "GET", url: url + "/echo"))
        let fastFinished = Date()
        #expect(fast.status == 200)
        #expect(group.wait(timeout: .now() + 10) == .success)
        let slowFinished = try #require(finished.withLock { $0["slow"] })
        // Serialised on one handle, the fast request would end after the slow one.
        #expect(slowFinished.timeIntervalSince(fastFinished) > 0.3)
    }
}
