@testable import LogstagSetup

/// An in-memory `Terminal` for prompt-logic tests: answers come from a script, everything
/// written is recorded, and secrets are recorded separately so a test can prove they were
/// read through `readSecret` (the no-echo path).
final class ScriptedTerminal: Terminal {
    private var answers: [String]
    private(set) var output = ""
    private(set) var errors = ""
    private(set) var secretPrompts: [String] = []
    private(set) var linePrompts: [String] = []

    init(_ answers: [String]) { self.answers = answers }

    var isInteractive: Bool { true }
    var unusedAnswers: Int { answers.count }

    func readLine(prompt: String) -> String? {
        output += prompt
        linePrompts.append(prompt)
        return answers.isEmpty ? nil : answers.removeFirst()
    }

    func readSecret(prompt: String) -> String? {
        output += prompt + "\n"
        secretPrompts.append(prompt)
        return answers.isEmpty ? nil : answers.removeFirst()
    }

    func write(_ text: String) { output += text }
    func writeError(_ text: String) { errors += text }
}
