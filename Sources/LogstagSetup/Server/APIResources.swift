import Foundation
import LogstagCore

// The parts of the server's `/api/v1` answers setup mode reads (see APIController/APIViews).
// Fields setup does not use are left out, so a server that adds fields stays compatible.

/// `GET /api/v1/me`.
struct MeResource: Decodable, Sendable {
    struct Organization: Decodable, Sendable { let id, name: String }
    struct Person: Decodable, Sendable { let id, name, email: String }

    let user: Person?
    let organization: Organization
    let roleName: String
    let permissions: [String]

    enum CodingKeys: String, CodingKey { case user, organization, roleName = "role_name", permissions }
}

/// One asset of `GET /api/v1/assets` and `POST /api/v1/assets`.
struct AssetResource: Decodable, Sendable, Equatable {
    struct Owner: Decodable, Sendable, Equatable { let email: String }

    let id, name, engine, environment, status: String
    let owner: Owner?

    var engineKind: Engine? { Engine(rawValue: engine) }
}

/// A page of `GET /api/v1/assets`.
struct AssetPageResource: Decodable, Sendable {
    let items: [AssetResource]
    let total, page, pages: Int
}

/// One member of `GET /api/v1/members`.
struct MemberResource: Decodable, Sendable {
    let userID, email: String

    enum CodingKeys: String, CodingKey { case userID = "user_id", email }
}

/// `GET /api/v1/assets/{id}/install-command`.
struct InstallCommandResource: Decodable, Sendable {
    let command: String
}

/// `POST /api/v1/assets/{id}/registration-token`.
struct RegistrationTokenResource: Decodable, Sendable {
    let token: String
    let expiresAt: Date

    enum CodingKeys: String, CodingKey { case token, expiresAt = "expires_at" }
}
