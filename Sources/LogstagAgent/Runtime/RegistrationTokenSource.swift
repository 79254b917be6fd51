#if canImport(Glibc)
import Glibc
#endif
import Foundation
import LogstagCore

/// Where `--enroll` gets the registration token from: never the command line.
///
/// Contract: in order, the file named by `LOGSTAG_TOKEN_FILE` (first line), the
/// `LOGSTAG_TOKEN` environment variable, else standard input (a prompt without echo when it
/// is a terminal, one line otherwise). The token is checked with `TokenFormat` (kind `lsr_`,
/// checksum) before anything is sent, so a typo is caught locally.
public enum RegistrationTokenSource {
    public static func read(environment: [String: String] = ProcessInfo.processInfo.environment) throws(AgentActionError) -> String {
        let raw: String
        if let path = environment["LOGSTAG_TOKEN_FILE"], !path.isEmpty {
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw AgentActionError("Cannot read the registration token file \(path) (LOGSTAG_TOKEN_FILE).")
            }
            raw = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        } else if let value = environment["LOGSTAG_TOKEN"], !value.isEmpty {
            raw = value
        } else if isatty(STDIN_FILENO) == 1 {
            raw = TerminalInput.readSecret(prompt: "Registration token (from the asset's setup page): ") ?? ""
        } else {
            raw = readLine(strippingNewline: true) ?? ""
        }
        let token = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else {
            throw AgentActionError(
                "No registration token given. Type it at the prompt, or put it in a root-only file and set LOGSTAG_TOKEN_FILE; never pass it on the command line.")
        }
        do {
            _ = try TokenFormat.parse(token, expecting: .registration)
        } catch {
            throw AgentActionError("The registration token is not valid: \(error.message) Copy it again from the asset's setup page.")
        }
        return token
    }
}

/// A failed one-shot agent action (`--enroll`, `--encrypt`, ...), with a message for people.
public struct AgentActionError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public let exitCode: Int32

    public init(_ message: String, exitCode: Int32 = 1) {
        self.message = message
        self.exitCode = exitCode
    }

    public var description: String { message }
}
