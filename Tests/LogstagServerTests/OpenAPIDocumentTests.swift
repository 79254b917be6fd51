import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LogstagResources
import Testing

@testable import LogstagServer

/// The operations of `Resources/openapi.yaml`, read line by line (no YAML package): paths are the
/// two-space keys under the top-level `paths:`, methods the four-space keys under a path.
///
/// Contract: `problems` lists every line under `paths:` that breaks that layout (a two-space key
/// that is not an `/api/v1/` path, a four-space key that is not an HTTP method, a method before
/// any path), so the reader never silently skips an operation. `text` is an operation's lines.
struct OpenAPIPathReader {
    struct Operation: Equatable {
        let method: String
        let path: String
        var text: String
        var route: String { "\(method) \(path)" }
    }

    static let methods: Set<String> = ["get", "put", "post", "patch", "delete"]

    private(set) var operations: [Operation] = []
    private(set) var problems: [String] = []
    private(set) var sawPaths = false

    init(_ document: String) {
        var inPaths = false
        var path: String?
        for (index, line) in document.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let indent = line.prefix { $0 == " " }.count
            if indent == 0 {
                inPaths = line.hasPrefix("paths:")
                sawPaths = sawPaths || inPaths
                path = nil
                continue
            }
            guard inPaths else { continue }
            let key = Self.key(trimmed)
            if indent == 2 {
                if let key, key.hasPrefix("/api/v1/"), !key.contains(" ") {
                    path = key
                } else {
                    problems.append("line \(number): a two-space key under paths must be an /api/v1/ path: \(trimmed)")
                    path = nil
                }
            } else if indent == 4 {
                if let key, Self.methods.contains(key), let path {
                    operations.append(Operation(method: key.uppercased(), path: path, text: ""))
                } else {
                    problems.append("line \(number): a four-space key under a path must be one of \(Self.methods.sorted()): \(trimmed)")
                }
            } else if !operations.isEmpty, operations.last!.path == path {
                operations[operations.count - 1].text += trimmed + "\n"
            }
        }
    }

    /// "key:" or "key: value" -> key; nil for list items and other lines.
    static func key(_ trimmed: String) -> String? {
        guard !trimmed.hasPrefix("-"), let colon = trimmed.firstIndex(of: ":") else { return nil }
        let rest = trimmed[trimmed.index(after: colon)...]
        guard rest.isEmpty || rest.hasPrefix(" ") else { return nil }
        return String(trimmed[..<colon])
    }
}

@Suite("OpenAPI document")
struct OpenAPIDocumentTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func document() throws -> String {
        try String(contentsOf: root.appendingPathComponent("Resources/openapi.yaml"), encoding: .utf8)
    }

    /// "METHOD /path" of every route registered by the files of `Sources/LogstagServer/API`: calls
    /// like `api.get("assets/{id}", ...)` on a `let api = router.group("api/v1")`, and direct
    /// `router.get("api/v1/...")` calls.
    static func registeredRoutes() throws -> [String: String] {
        let folder = root.appendingPathComponent("Sources/LogstagServer/API")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".swift") }.sorted()
        let groupPattern = try NSRegularExpression(pattern: #"let\s+(\w+)\s*=\s*router\.group\("([^"]*)"\)"#)
        var routes: [String: String] = [:]
        for file in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            var prefixes: [(variable: String, prefix: String)] = [("router", "")]
            for match in groupPattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                prefixes.append((String(text[Range(match.range(at: 1), in: text)!]), String(text[Range(match.range(at: 2), in: text)!])))
            }
            for (variable, prefix) in prefixes {
                let pattern = try NSRegularExpression(pattern: #"\b"# + variable + #"\.(get|post|put|patch|delete)\("([^"]+)""#)
                for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                    let method = String(text[Range(match.range(at: 1), in: text)!]).uppercased()
                    let path = String(text[Range(match.range(at: 2), in: text)!])
                    let full = "/" + [prefix, path].filter { !$0.isEmpty }.joined(separator: "/")
                    guard full.hasPrefix("/api/v1/") else { continue }
                    routes["\(method) \(full)"] = file
                }
            }
        }
        return routes
    }

    @Test("The line reader finds operations and reports lines it cannot place")
    func readerLayout() {
        let sample = """
            openapi: 3.1.0
            paths:
              # a comment
              /api/v1/things/{id}:
                get:
                  description: "Needs: view_databases."
                  responses:
                    "200": { description: ok }
                delete:
                  description: "Needs: manage_databases."
              /api/v1/other:
                parameters: []
                post:
                  summary: x
              things:
                get:
            components:
              schemas:
                get: {}
            """
        let reader = OpenAPIPathReader(sample)
        #expect(reader.sawPaths)
        #expect(reader.operations.map(\.route) == ["GET /api/v1/things/{id}", "DELETE /api/v1/things/{id}", "POST /api/v1/other"])
        #expect(reader.operations.first?.text.contains("Needs: view_databases.") == true)
        #expect(reader.operations.first?.text.contains("manage_databases") == false)
        #expect(reader.problems.count == 3, "\(reader.problems)")
    }

    @Test("Every /api/v1 route registered in Sources/LogstagServer/API is documented")
    func everyRouteDocumented() throws {
        let reader = OpenAPIPathReader(try Self.document())
        #expect(reader.sawPaths)
        #expect(reader.problems.isEmpty, "\(reader.problems)")
        let documented = Set(reader.operations.map(\.route))
        let registered = try Self.registeredRoutes()
        // The scan must find the API as it stands (a broken regex would make this test vacuous).
        #expect(registered.count >= 39, "found only \(registered.count) routes")
        #expect(registered["GET /api/v1/agent/commands"] == "AgentAPIController.swift")
        #expect(registered["GET /api/v1/openapi.yaml"] == "OpenAPIDocumentController.swift")
        let missing = registered.keys.filter { !documented.contains($0) }.sorted().map { "\($0) (\(registered[$0]!))" }
        #expect(missing.isEmpty, "registered but missing from Resources/openapi.yaml: \(missing.joined(separator: ", "))")
    }

    @Test("Every operation in openapi.yaml is a registered route, listed once")
    func noStaleDocumentation() throws {
        let reader = OpenAPIPathReader(try Self.document())
        let registered = try Self.registeredRoutes()
        #expect(!reader.operations.isEmpty)
        let stale = reader.operations.map(\.route).filter { registered[$0] == nil }
        #expect(stale.isEmpty, "documented but no controller in Sources/LogstagServer/API registers: \(stale.joined(separator: ", "))")
        let routes = reader.operations.map(\.route)
        #expect(Set(routes).count == routes.count, "an operation is listed twice")
    }

    @Test("Every operation says which permission it needs")
    func permissionsDocumented() throws {
        for operation in OpenAPIPathReader(try Self.document()).operations {
            #expect(operation.text.contains("Needs:"), "\(operation.route) has no \"Needs:\" line")
        }
    }

    @Test("GET /api/v1/openapi.yaml answers the embedded document to anonymous callers")
    func served() async throws {
        // Given a server and no credentials
        let server = try TestServer()
        let onDisk = try Self.document()
        try await server.test { client async throws in
            // When an anonymous caller asks for the document
            let response = try await client.execute(uri: "/api/v1/openapi.yaml", method: .get, headers: [:], body: nil)
            // Then it gets the file as YAML
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("application/yaml") == true)
            #expect(response.text == onDisk)
            #expect(response.text.hasPrefix("# Logstag JSON API"))
            #expect(response.text.contains("\nopenapi: 3.1"))
        }
    }
}
