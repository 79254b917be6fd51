/// The operating system of the host the agent is installed on.
///
/// Contract: selects the shell dialect of the install command (POSIX `sh` or PowerShell).
public enum OperatingSystem: String, CaseIterable, Codable, Sendable {
    case linux, windows

    /// The system's name as shown in the UI.
    public var displayName: String {
        switch self {
        case .linux: "Linux"
        case .windows: "Windows"
        }
    }
}
