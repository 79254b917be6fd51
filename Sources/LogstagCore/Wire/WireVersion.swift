/// The version of the agent <-> server wire contract.
///
/// Contract: every enrollment request, enrollment response and ingest batch carries
/// `wire_version`; the server accepts the versions in `supported` and answers
/// `unsupported_version` for any other. A breaking change to any Wire type bumps `current`.
public enum WireVersion {
    /// The version this build speaks.
    public static let current = 1
    /// The versions this build accepts.
    public static let supported: ClosedRange<Int> = 1...1
}
