import LogstagCore

/// Agent mode. Collection, delivery and enrolment arrive with the agent release (issue 3);
/// until then the mode says so plainly instead of pretending to run.
public enum AgentMode {
    public static let availability = "The agent mode is not part of this build yet: collectors, enrolment and delivery arrive with the agent release."
}
