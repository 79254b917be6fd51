/// The release of this build: the server, the agent and setup mode are one binary, so they
/// always report the same version.
public enum LogstagVersion {
    public static let current = "0.2.0"
}
