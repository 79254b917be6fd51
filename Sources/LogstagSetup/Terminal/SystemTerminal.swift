#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's own terminal: standard input, output and error.
///
/// Contract: prompts and messages go to standard output unbuffered (so a prompt is visible
/// before the read blocks); `writeError` goes to standard error. `readSecret` turns echo off
/// with termios only while it reads, registers the saved settings with `InterruptGuard` so
/// Ctrl-C restores them too, and prints the line break the hidden Enter did not echo. When
/// standard input is not a terminal (a pipe in automation) it reads the line as it comes.
public final class SystemTerminal: Terminal {
    public init() {}

    public var isInteractive: Bool { isatty(STDIN_FILENO) == 1 }

    public func readLine(prompt: String) -> String? {
        write(prompt)
        return Swift.readLine(strippingNewline: true)
    }

    public func readSecret(prompt: String) -> String? {
        var original = termios()
        guard isatty(STDIN_FILENO) == 1, tcgetattr(STDIN_FILENO, &original) == 0 else {
            write(prompt)
            return Swift.readLine(strippingNewline: true)
        }
        // Echo goes off before the prompt appears, so nothing typed after seeing it can echo.
        InterruptGuard.saveTerminal(original)
        var hidden = original
        hidden.c_lflag &= ~tcflag_t(ECHO)
        _ = tcsetattr(STDIN_FILENO, TCSANOW, &hidden)
        defer {
            _ = tcsetattr(STDIN_FILENO, TCSANOW, &original)
            InterruptGuard.forgetTerminal()
            write("\n")
        }
        write(prompt)
        return Swift.readLine(strippingNewline: true)
    }

    public func write(_ text: String) {
        Self.writeAll(text, to: STDOUT_FILENO)
    }

    public func writeError(_ text: String) {
        Self.writeAll(text, to: STDERR_FILENO)
    }

    private static func writeAll(_ text: String, to descriptor: Int32) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let count = bytes.withUnsafeBytes { posixWrite(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return
            }
            bytes = bytes.dropFirst(count)
        }
    }
}

/// `write(2)`, named apart from the class's `write(_:)` method.
private func posixWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}
