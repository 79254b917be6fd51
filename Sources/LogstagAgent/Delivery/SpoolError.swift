/// A spool operation that failed (disk full, permissions, a batch larger than the spool).
///
/// Contract: `message` is a full sentence with the fix; it never contains collected data.
public struct SpoolError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(message: String) {
        self.message = message
    }

    public var description: String { message }
}
