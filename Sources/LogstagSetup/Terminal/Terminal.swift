/// Where setup mode talks to a person: prompts, answers and messages.
///
/// Contract: `readLine(prompt:)` and `readSecret(prompt:)` write the prompt, then return one
/// line without its line break, or nil when input ended (EOF). `readSecret` does not echo what
/// is typed and leaves the terminal as it found it on every path, Ctrl-C included. `write`
/// prints text as given (the caller adds line breaks); `writeError` is for messages that must
/// not mix with a result a script reads from standard output. `isInteractive` is true when a
/// person is typing (standard input is a terminal).
public protocol Terminal: AnyObject {
    var isInteractive: Bool { get }
    func readLine(prompt: String) -> String?
    func readSecret(prompt: String) -> String?
    func write(_ text: String)
    func writeError(_ text: String)
}
