import Foundation
import LogstagAgent
import LogstagCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The single write at the end of `--write-agent-config`: encrypt the secrets, add the target
/// (and any `[agent]` keys) to the file, replace the file atomically.
///
/// Contract: `validate` renders the new file with a placeholder password and checks it with the
/// agent's own `AgentConfigLoader.check`, so a file the agent would refuse is never written.
/// `write` runs inside `InterruptGuard.commit` (Ctrl-C waits until it is done): it creates
/// `<state_dir>/host.key` when missing, encrypts, and writes with `ConfigFileWriter` (temp file,
/// fsync, rename, 0600). Running as root, a newly created config file or host key is given to
/// the owner of the state directory (the installer's service user), so the agent can read them.
/// Messages never contain a secret.
struct AgentConfigCommit {
    let file: AgentConfigFile
    let draft: TargetDraft
    let agentChanges: [(String, String)]
    let stateDirectory: String

    /// The file's text with the new target; `password`/`cloudSecret` are already encrypted.
    func render(password: String, cloudSecret: String?) throws(SetupStop) -> AgentConfigEditor {
        var editor = file.editor
        for (key, value) in agentChanges { editor.setAgentValue(key, .string(value)) }
        do {
            try editor.appendTarget(name: draft.name, entries: draft.entries(password: password, cloudSecret: cloudSecret))
        } catch {
            throw .user("The target cannot be added to \(file.path): \(error.description)")
        }
        return editor
    }

    /// Refuses a result the agent would not load (problems that were not in the file before).
    func validate() throws(SetupStop) {
        let placeholder = "enc:v1:" + String(repeating: "A", count: 48)
        let candidate = try render(password: placeholder, cloudSecret: draft.cloud == nil ? nil : placeholder)
        let before = Set(AgentConfigLoader.check(text: file.editor.text).map(\.message))
        let introduced = AgentConfigLoader.check(text: candidate.text).filter { !before.contains($0.message) }
        guard introduced.isEmpty else {
            throw .user("The agent would refuse the new target: " + introduced.map(\.description).joined(separator: "; ") + ". Nothing was written.")
        }
    }

    func write(password: String, cloudSecret: String?) throws(SetupStop) {
        try InterruptGuard.commit { () throws(SetupStop) in
            let hostKeyExisted = FileManager.default.fileExists(atPath: (stateDirectory as NSString).appendingPathComponent("host.key"))
            let box: SecretBox
            let encryptedPassword: String
            var encryptedCloudSecret: String?
            do throws(SecretError) {
                box = try SecretBox(stateDirectory: stateDirectory, createHostSecret: true)
                encryptedPassword = try box.encrypt(password)
                if let cloudSecret { encryptedCloudSecret = try box.encrypt(cloudSecret) }
            } catch {
                throw .user("The password cannot be encrypted: \(error.message) Nothing was written to \(file.path).")
            }
            let editor = try render(password: encryptedPassword, cloudSecret: encryptedCloudSecret)
            do throws(ConfigWriteError) {
                try ConfigFileWriter.write(editor.text, to: file.path)
            } catch {
                throw .user("\(error.message) The file was left as it was.")
            }
            if !hostKeyExisted { Self.giveToStateDirectoryOwner(box.hostSecretPath, stateDirectory: stateDirectory) }
            if !file.exists { Self.giveToStateDirectoryOwner(file.path, stateDirectory: stateDirectory) }
        }
    }

    /// As root, hands a file we created to the user who owns the state directory (the agent's
    /// service user); does nothing when that is root or when not running as root.
    static func giveToStateDirectoryOwner(_ path: String, stateDirectory: String) {
        guard geteuid() == 0 else { return }
        var directory = stat()
        guard stat(stateDirectory, &directory) == 0, directory.st_uid != 0 else { return }
        _ = chown(path, directory.st_uid, directory.st_gid)
    }
}
