/// The question-and-answer engine of setup mode, on top of a `Terminal`.
///
/// Contract: every question loops until it gets a valid answer: a wrong answer prints
/// "  ! <why>" and the question again, it never ends setup. Input that ends (EOF) throws
/// `SetupStop.endOfInput`. Answers are trimmed; an empty answer takes the default shown in
/// brackets, when there is one. Secrets are read without echo and never printed back.
struct Prompter {
    let terminal: any Terminal

    /// Prints one line.
    func say(_ line: String = "") {
        terminal.write(line + "\n")
    }

    /// Prints why an answer was refused.
    func refuse(_ problem: String) {
        terminal.write("  ! \(problem)\n")
    }

    /// Asks until `parse` accepts the answer.
    /// - Parameters:
    ///   - question: the prompt, without the trailing colon.
    ///   - defaultAnswer: used for an empty answer and shown in brackets.
    ///   - parse: turns the trimmed answer into a value or says why it is wrong.
    func ask<T>(
        _ question: String, default defaultAnswer: String? = nil, parse: (String) throws(AnswerProblem) -> T
    ) throws(SetupStop) -> T {
        let prompt = defaultAnswer.map { "\(question) [\($0)]: " } ?? "\(question): "
        while true {
            guard let line = terminal.readLine(prompt: prompt) else { throw .endOfInput }
            var answer = line.trimmingWhitespace
            if answer.isEmpty, let defaultAnswer { answer = defaultAnswer }
            do {
                return try parse(answer)
            } catch {
                refuse(error.message)
            }
        }
    }

    /// Asks for a line of text; empty is refused unless `optional`.
    func askText(_ question: String, default defaultAnswer: String? = nil, optional: Bool = false) throws(SetupStop) -> String {
        try ask(question, default: defaultAnswer) { answer throws(AnswerProblem) in
            guard optional || !answer.isEmpty else { throw AnswerProblem("An answer is required here.") }
            return answer
        }
    }

    /// Shows a numbered menu and asks until an available option is chosen.
    func choose<T>(_ title: String, _ options: [MenuOption<T>], default defaultIndex: Int? = nil) throws(SetupStop) -> T {
        say(title)
        for (index, option) in options.enumerated() {
            let note = option.note.map { "  (\($0))" } ?? ""
            say("  \(index + 1)) \(option.label)\(note)")
        }
        return try ask("Choose 1-\(options.count)", default: defaultIndex.map { String($0 + 1) }) { answer throws(AnswerProblem) in
            let option = try Self.option(for: answer, in: options)
            if let refusal = option.refusal { throw AnswerProblem(refusal) }
            return option.value
        }
    }

    /// The option a typed answer means: its number, or its key.
    static func option<T>(for answer: String, in options: [MenuOption<T>]) throws(AnswerProblem) -> MenuOption<T> {
        if let number = Int(answer) {
            guard (1...options.count).contains(number) else {
                throw AnswerProblem("\(number) is not in the list; type a number from 1 to \(options.count).")
            }
            return options[number - 1]
        }
        if let match = options.first(where: { $0.key?.lowercased() == answer.lowercased() }) { return match }
        if answer.isEmpty { throw AnswerProblem("Type a number from 1 to \(options.count).") }
        throw AnswerProblem("\"\(answer.prefix(40))\" is not a number; type a number from 1 to \(options.count).")
    }

    /// Asks a yes/no question.
    func confirm(_ question: String, default defaultAnswer: Bool) throws(SetupStop) -> Bool {
        try ask(question + (defaultAnswer ? " (Y/n)" : " (y/N)"), default: nil) { answer throws(AnswerProblem) in
            switch answer.lowercased() {
            case "": return defaultAnswer
            case "y", "yes": return true
            case "n", "no": return false
            default: throw AnswerProblem("Answer y (yes) or n (no).")
            }
        }
    }

    /// Reads a secret without echo; `allowEmpty` false refuses an empty one.
    func askSecret(_ question: String, allowEmpty: Bool = false) throws(SetupStop) -> String {
        while true {
            guard let secret = terminal.readSecret(prompt: "\(question) (typing is hidden): ") else { throw .endOfInput }
            if secret.isEmpty && !allowEmpty {
                refuse("Nothing was typed; type it and press Enter.")
                continue
            }
            return secret
        }
    }

    /// Reads a new secret twice and asks again until both entries match.
    func askNewSecret(_ question: String, allowEmpty: Bool) throws(SetupStop) -> String {
        while true {
            let first = try askSecret(question, allowEmpty: allowEmpty)
            let second = try askSecret("Type it again to confirm", allowEmpty: true)
            if first == second { return first }
            refuse("The two entries do not match; type it again.")
        }
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and line breaks.
    var trimmingWhitespace: String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
