/// The PostgreSQL collector manifest or one of its SQL files is missing or wrong.
///
/// Contract: `file` is the resource path; `line` is the manifest line when known (0 if not);
/// `description` is a full sentence naming the file, the line and the signal. Never thrown
/// at run time for a shipped manifest: the catalogue tests load the real files.
public struct PostgresCatalogError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        line > 0 ? "\(file) line \(line): \(message)" : "\(file): \(message)"
    }
}
