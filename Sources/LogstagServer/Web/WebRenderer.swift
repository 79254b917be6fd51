import Foundation
import HTTPTypes
import Hummingbird
import LogstagResources
import Mustache

/// Renders the embedded Mustache templates (`Resources/web/templates/*.mustache`, registered by
/// file name without extension).
final class WebRenderer: Sendable {
    static let shared = WebRenderer()

    let library: MustacheLibrary

    init() {
        var library = MustacheLibrary()
        for path in BundledResources.paths(under: "web/templates/") where path.hasSuffix(".mustache") {
            let name = String(path.dropFirst("web/templates/".count).dropLast(".mustache".count))
            guard let text = BundledResources.text(path) else { continue }
            do { try library.register(text, named: name) } catch {
                // A broken template is a build defect; the template test catches it before release.
                fatalError("Template \(name) does not parse: \(error)")
            }
        }
        self.library = library
    }

    func render(_ template: String, _ context: [String: Any], status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        let html = library.render(context, withTemplate: template) ?? "<!doctype html><title>Logstag</title><p>Missing template \(template)."
        var response = Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
        for field in headers { response.headers.append(field) }
        return response
    }

    func errorPage(status: HTTPResponse.Status, message: String) -> Response {
        render("error", ["title": "\(status.code) \(status.reasonPhrase)", "status": status.code, "heading": Self.heading(status),
                         "message": message, "homeURL": "/"], status: status)
    }

    static func heading(_ status: HTTPResponse.Status) -> String {
        switch status.code {
        case 401: "Please sign in"
        case 403: "You do not have access to this page"
        case 404: "Not found"
        case 409: "That conflicts with the current state"
        case 422, 400: "Please check the form"
        case 429: "Too many attempts"
        default: "Something went wrong"
        }
    }
}

extension Response {
    static func redirect(_ location: String, cookies: [String] = []) -> Response {
        var response = Response(status: .seeOther, headers: [.location: location])
        for cookie in cookies { response.headers.append(HTTPField(name: .setCookie, value: cookie)) }
        return response
    }
}
