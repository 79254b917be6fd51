import Foundation
import LogstagResources
import Mustache
import Testing

@testable import LogstagServer

@Suite("Embedded resources")
struct EmbeddedResourcesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("Every file under Resources/ is embedded, byte for byte")
    func noDrift() throws {
        let resources = Self.root.appendingPathComponent("Resources")
        let walker = try #require(FileManager.default.enumerator(at: resources, includingPropertiesForKeys: [.isRegularFileKey]))
        var count = 0
        for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            let relative = String(url.standardizedFileURL.path.dropFirst(resources.standardizedFileURL.path.count + 1))
            if relative.hasPrefix(".") { continue }
            #expect(BundledResources.data(relative) == (try Data(contentsOf: url)), "\(relative)")
            count += 1
        }
        #expect(count >= 10)
        #expect(BundledResources.data("install.sh") == (try? Data(contentsOf: Self.root.appendingPathComponent("install.sh"))))
    }

    @Test("Migrations, templates, CSS and JS are present")
    func essentials() {
        #expect(BundledResources.paths(under: "migrations/").count >= 3)
        for template in ["layout", "auth_layout", "login", "bootstrap", "invite", "error", "assets", "asset_new", "asset_setup", "asset_detail",
                         "members", "api_keys", "agents", "audit"] {
            #expect(BundledResources.text("web/templates/\(template).mustache") != nil, "\(template)")
        }
        #expect(BundledResources.text("web/static/app.css") != nil)
        #expect(BundledResources.text("web/static/app.js") != nil)
    }

    @Test("Every template parses and the layout renders the navigation")
    func templatesRender() {
        let html = WebRenderer.shared.library.render(
            ["title": "T", "nav": ["assets": true, "isAssets": true], "user": ["name": "Olive"], "org": ["name": "Acme"], "csrf": "c"],
            withTemplate: "assets") ?? ""
        #expect(html.contains("Assets"))
        #expect(html.contains("/static/app.css"))
        #expect(!html.contains("http://") && !html.contains("https://"), "no external resources")
    }

    @Test("No template loads anything from another origin")
    func noExternalResources() {
        for path in BundledResources.paths(under: "web/") {
            let text = BundledResources.text(path) ?? ""
            #expect(!text.contains("src=\"http"), "\(path)")
            #expect(!text.contains("href=\"http"), "\(path)")
            #expect(!text.contains("@import url(http"), "\(path)")
        }
    }
}
