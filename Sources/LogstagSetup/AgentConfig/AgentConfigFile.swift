import Foundation
import LogstagAgent
import LogstagCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The agent configuration file setup mode is about to edit, read but not yet changed.
///
/// Contract: `open` accepts an existing readable UTF-8 file that parses as TOML, or a path
/// that does not exist yet in an existing directory; in both cases this user must be able to
/// write in the directory (the writer replaces the file by renaming). A new file starts with a
/// comment header. Nothing is written here.
struct AgentConfigFile {
    static let defaultPath = "/etc/logstag/agent.toml"
    static let newFileHeader = """
        # Logstag agent configuration, written by `logstag --mode setup`.
        # Keep this file 0600: it holds credentials (encrypted for this machine).

        """

    let path: String
    let exists: Bool
    var editor: AgentConfigEditor

    var directory: String {
        let parent = (path as NSString).deletingLastPathComponent
        return parent.isEmpty ? "." : parent
    }

    /// The `[agent]` value of `key` when it is a non-empty string.
    func agentString(_ key: String) -> String? {
        guard let document = try? TOMLDocument.parse(editor.text), let agent = document.table(path: ["agent"]),
            case .string(let value)? = agent.entry(key)?.value, !value.isEmpty
        else { return nil }
        return value
    }

    static func open(_ raw: String) throws(AnswerProblem) -> AgentConfigFile {
        let path = raw.trimmingWhitespace
        guard !path.isEmpty else { throw AnswerProblem("Type the path of the agent configuration file, e.g. \(defaultPath).") }
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        if isDirectory.boolValue {
            throw AnswerProblem("\(path) is a directory; give the file's path, e.g. \((path as NSString).appendingPathComponent("agent.toml")).")
        }
        let editor: AgentConfigEditor
        if exists {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw AnswerProblem("\(path) cannot be read by this user; run setup with sudo (or as the agent's user), or choose another file.")
            }
            guard let text = String(validating: data, as: UTF8.self) else {
                throw AnswerProblem("\(path) is not UTF-8 text; fix it first or choose another file.")
            }
            do { editor = try AgentConfigEditor(text: text) } catch {
                throw AnswerProblem("\(path) is not valid TOML (\(error.description)); fix it first or choose another file.")
            }
        } else {
            do { editor = try AgentConfigEditor(text: newFileHeader) } catch {
                throw AnswerProblem("Internal error: the new file header is not valid TOML.")
            }
        }
        let file = AgentConfigFile(path: path, exists: exists, editor: editor)
        var directoryIsDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file.directory, isDirectory: &directoryIsDirectory), directoryIsDirectory.boolValue else {
            throw AnswerProblem("The directory \(file.directory) does not exist; create it first (the installer creates /etc/logstag) or choose another path.")
        }
        guard access(file.directory, W_OK) == 0 else {
            throw AnswerProblem("This user may not write in \(file.directory); run setup with sudo, or choose another path.")
        }
        return file
    }
}
