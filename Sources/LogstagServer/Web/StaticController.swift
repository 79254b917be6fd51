import Foundation
import Hummingbird
import LogstagResources

/// Embedded static files, the installer, this binary (for agent hosts) and the liveness probe.
struct StaticController {
    let dataDir: String

    func register(on router: Router<AppRequestContext>) {
        router.get("static/{file}", use: staticFile)
        router.get("install.sh", use: installScript)
        router.get("install.ps1", use: windowsInstaller)
        router.get("download/logstag", use: binary)
        router.get("download/logstag.exe", use: windowsBinary)
        router.get("download/logstag.exe.sha256", use: windowsChecksum)
        router.get("download/logstag.sha256", use: checksum)
        router.get("healthz") { _, _ in Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "ok\n"))) }
    }

    static let contentTypes = ["css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8", "svg": "image/svg+xml",
                               "png": "image/png", "ico": "image/x-icon", "txt": "text/plain; charset=utf-8"]

    func staticFile(_ request: Request, context: AppRequestContext) async throws -> Response {
        let name = try context.parameters.require("file")
        guard !name.contains(".."), !name.contains("/"), let data = BundledResources.data("web/static/\(name)") else {
            throw AppError.notFound("file")
        }
        let ext = String(name.split(separator: ".").last ?? "")
        return Response(
            status: .ok,
            headers: [.contentType: Self.contentTypes[ext] ?? "application/octet-stream", .cacheControl: "public, max-age=300"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    func installScript(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let data = BundledResources.data("install.sh") else { throw AppError.notFound("installer") }
        return Response(status: .ok, headers: [.contentType: "text/x-shellscript; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    func windowsInstaller(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let data = BundledResources.data("install/install.ps1") else { throw AppError.notFound("installer") }
        return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Windows agent builds are not produced by this (Linux) server; an operator may place one at
    /// `<data_dir>/downloads/logstag.exe` and the installer then finds it here.
    func windowsBinary(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let data = FileManager.default.contents(atPath: windowsBuildPath) else { throw Self.noWindowsBuild }
        return Response(status: .ok, headers: [.contentType: "application/octet-stream"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    func windowsChecksum(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let data = FileManager.default.contents(atPath: windowsBuildPath) else { throw Self.noWindowsBuild }
        return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: "\(Crypto.sha256Hex(data))  logstag.exe\n")))
    }

    var windowsBuildPath: String { dataDir + "/downloads/logstag.exe" }

    static let noWindowsBuild = AppError(
        .notFound, "no_windows_build", "This server does not offer a Windows agent build. Place one at <data_dir>/downloads/logstag.exe.")

    func binary(_ request: Request, context: AppRequestContext) async throws -> Response {
        let data = try SelfBinary.shared.contents()
        return Response(
            status: .ok,
            headers: [.contentType: "application/octet-stream", .contentDisposition: "attachment; filename=\"logstag\"",
                      .init("X-Checksum-SHA256")!: try SelfBinary.shared.sha256()],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    func checksum(_ request: Request, context: AppRequestContext) async throws -> Response {
        Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: "\(try SelfBinary.shared.sha256())  logstag\n")))
    }
}

/// The running executable, read once (the server hands itself to agent hosts).
final class SelfBinary: @unchecked Sendable {
    static let shared = SelfBinary()
    private let lock = NSLock()
    private var cached: (Data, String)?

    private func load() throws -> (Data, String) {
        try lock.withLock {
            if let cached { return cached }
            // /proc/self/exe is the running image, even if the file on disk was replaced by an upgrade.
            let data = try Data(contentsOf: URL(fileURLWithPath: "/proc/self/exe"))
            let value = (data, Crypto.sha256Hex(data))
            cached = value
            return value
        }
    }

    func contents() throws -> Data { try load().0 }
    func sha256() throws -> String { try load().1 }
}
