import Foundation
import PackagePlugin

/// Embeds every file under the package's top-level `Resources/` folder (plus `install.sh` and
/// the systemd units) into the target it is
/// applied to, as one generated Swift file. SwiftPM's own `resources:` would leave a separate
/// bundle folder next to the binary on Linux; we want one self-contained executable.
@main
struct EmbedResources: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        // Resolved, so a Resources/ that is a symlink (scratch packages, vendored checkouts) is walked too.
        let root = context.package.directoryURL.appending(path: "Resources").resolvingSymlinksInPath()
        let output = context.pluginWorkDirectoryURL.appending(path: "BundledResources.generated.swift")
        var inputs: [URL] = []
        if let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) {
            for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
                inputs.append(url)
            }
        }
        // The installer and the systemd units live at the top level but are served by the server too.
        var extras: [String] = []
        for name in ["install.sh", "systemd/logstag-server.service", "systemd/logstag-agent.service"] {
            let url = context.package.directoryURL.appending(path: name)
            if FileManager.default.fileExists(atPath: url.path) {
                inputs.append(url)
                extras.append("\(name)=\(url.path)")
            }
        }
        return [
            .buildCommand(
                displayName: "Embedding \(inputs.count) files from Resources/",
                executable: try context.tool(named: "EmbedResourcesTool").url,
                arguments: [root.path, output.path] + extras,
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }
}
