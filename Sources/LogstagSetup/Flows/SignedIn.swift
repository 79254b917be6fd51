import LogstagAgent
import LogstagCore

/// A working connection to the server: the API client and who the key acts as.
///
/// Contract: `me` was fetched with `client`'s key, and the key's role may manage assets
/// (`manage_databases`); `check(_:)` enforces the latter with a message naming the role.
struct SignedIn: Sendable {
    let client: SetupAPIClient
    let me: MeResource

    var organizationName: String { me.organization.name }

    /// Who the key acts as, for the greeting.
    var actorDescription: String {
        if let user = me.user { return "\(user.name) <\(user.email)>, role \(me.roleName)" }
        return "an API key, role \(me.roleName)"
    }

    /// Runs one API call; a failure ends setup with the server's explanation.
    func call<T>(_ body: (SetupAPIClient) throws(SetupAPIError) -> T) throws(SetupStop) -> T {
        do {
            return try body(client)
        } catch {
            throw SetupStop(exitCode: error.exitCode, message: error.explanation(server: client.server.text))
        }
    }

    static func check(_ me: MeResource) throws(SetupStop) {
        guard me.permissions.contains(Permission.manageDatabases.rawValue) else {
            throw .user(
                "This key acts with the \(me.roleName) role in \(me.organization.name), which cannot manage assets; use an API key created by an Admin or the Account Owner (Settings > API keys).")
        }
    }
}
