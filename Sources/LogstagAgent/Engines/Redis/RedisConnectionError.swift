/// Why a hiredis call failed below the level of a Redis reply.
///
/// Contract: `connect` means no connection was established (refused, timed out, name not
/// resolved); `io` means an established connection broke during a command, and `timedOut`
/// tells whether it broke because the reply took longer than the command timeout. After any
/// of them the connection is closed. Messages are hiredis' own text and never hold arguments.
enum RedisConnectionError: Error, Equatable, Sendable {
    case connect(String)
    case io(String, timedOut: Bool)
    case closed

    var message: String {
        switch self {
        case .connect(let text): text
        case .io(let text, _): text
        case .closed: "the connection is closed"
        }
    }
}
