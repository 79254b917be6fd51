import Foundation

/// Temporary directories and repository paths for the Config, Secrets and Logging tests.
enum ConfigTestSupport {
    /// A new, empty directory under the system's temporary directory (mode 0700).
    static func makeDirectory(_ label: String = #function) -> String {
        let safe = label.filter { $0.isLetter || $0.isNumber }
        let path = NSTemporaryDirectory() + "logstag-\(safe.prefix(40))-\(UUID().uuidString.prefix(8))"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return path
    }

    /// Removes a directory made by `makeDirectory`, restoring write permission first.
    static func remove(_ path: String) {
        if let items = FileManager.default.subpaths(atPath: path) {
            for item in items { chmod(path + "/" + item, 0o700) }
        }
        chmod(path, 0o700)
        try? FileManager.default.removeItem(atPath: path)
    }

    /// The repository root: the first parent of this file that holds Resources/config.
    static func repositoryRoot(file: String = #filePath) -> String {
        var url = URL(fileURLWithPath: file).deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Resources/config/agent.example.toml").path) {
                return url.path
            }
            url = url.deletingLastPathComponent()
        }
        fatalError("Resources/config/agent.example.toml not found above \(file)")
    }

    static func writeFile(_ path: String, _ text: String, mode: mode_t = 0o600) {
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        chmod(path, mode)
    }

    static func mode(of path: String) -> Int {
        var info = stat()
        precondition(stat(path, &info) == 0, "stat \(path)")
        return Int(info.st_mode) & 0o7777
    }

    static let runningAsRoot = geteuid() == 0
}
