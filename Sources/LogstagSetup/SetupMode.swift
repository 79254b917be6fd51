import LogstagCore

/// Setup mode (interactive prompt). Until it ships, the web UI's asset wizard and the
/// `/api/v1/assets/{id}/registration-token` endpoint produce the install command and token.
public enum SetupMode {
    public static let availability = "The setup prompt is not part of this build yet: use the Assets wizard in the web UI (Assets > Add instance) or the /api/v1 endpoints."
}
