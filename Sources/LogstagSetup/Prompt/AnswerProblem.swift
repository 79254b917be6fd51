/// Why an answer was not accepted; the prompt prints `message` and asks again.
///
/// Contract: `message` is a full sentence saying what a valid answer looks like and never
/// repeats a secret that was typed.
struct AnswerProblem: Error, Sendable, Equatable {
    let message: String

    init(_ message: String) { self.message = message }
}
