import Foundation

/// `logstag --mode agent --encrypt`: turns a secret read from standard input into a
/// machine-bound `enc:v1:` value for `api_key`, `db_password` or `cloud_secret_key`.
///
/// Contract: the secret is read from stdin only (a prompt without echo on a terminal, else the
/// first line), never from argv; the host secret is created in the configured state directory
/// on first use. Prints only the encrypted value.
public enum EncryptAction {
    public static func run(configPath: String?) throws(AgentActionError) -> String {
        let stateDirectory =
            configPath.flatMap { FileManager.default.contents(atPath: $0) }.flatMap { String(data: $0, encoding: .utf8) }
            .map { AgentConfigLoader.stateDirectory(text: $0) } ?? AgentSettings.defaultStateDirectory
        let secret: String?
        if isatty(STDIN_FILENO) == 1 {
            secret = TerminalInput.readSecret(prompt: "Value to encrypt (not shown): ")
        } else {
            secret = readLine(strippingNewline: true)
        }
        guard let secret, !secret.isEmpty else {
            throw AgentActionError("Nothing to encrypt: give the value on standard input (never on the command line).")
        }
        do {
            let box = try SecretBox(stateDirectory: stateDirectory, createHostSecret: true)
            return try box.encrypt(secret)
        } catch {
            throw AgentActionError(error.message)
        }
    }
}
