import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import LogstagCore
import LogstagStorage
import NIOCore
import Testing

@testable import LogstagServer

@Suite("Members, invitations, roles, ownership and organisations")
struct MembersTests {
    /// Org "Zephyr Labs" with an Owner, an Admin, a DBA and a Developer, each signed in.
    struct Fixture {
        let server: TestServer
        let org: Organization
        let owner, admin, dba, developer: User
        let ownerBrowser, adminBrowser, dbaBrowser, developerBrowser: TestServer.Browser

        init() throws {
            server = try TestServer()
            let (owner, org) = try server.makeOrganization("Zephyr Labs", owner: "owner@zephyr.test")
            self.owner = owner
            self.org = org
            admin = try server.addMember(org: org, email: "admin@zephyr.test", role: .admin)
            dba = try server.addMember(org: org, email: "dba@zephyr.test", role: .dba)
            developer = try server.addMember(org: org, email: "dev@zephyr.test", role: .developer)
            ownerBrowser = try server.browser(for: owner, org: org)
            adminBrowser = try server.browser(for: admin, org: org)
            dbaBrowser = try server.browser(for: dba, org: org)
            developerBrowser = try server.browser(for: developer, org: org)
        }

        func role(of user: User) throws -> Role? { try server.services.accounts.role(orgID: org.id, userID: user.id) }

        func members(_ client: any TestClientProtocol) async throws -> [String: String] {
            let response = try await client.json(.get, "/api/v1/members", ownerBrowser.headers())
            #expect(response.status == .ok)
            var roles: [String: String] = [:]
            for row in response.jsonArray { roles[row["email"] as! String] = row["role"] as? String }
            return roles
        }

        func invite(_ client: any TestClientProtocol, _ email: String, _ role: String, as browser: TestServer.Browser? = nil) async throws -> TestResponse {
            try await client.json(.post, "/api/v1/invitations", (browser ?? ownerBrowser).headers(json: true), ["email": email, "role": role])
        }
    }

    // MARK: - Invitations

    @Test("Invite → open the link → accept → member with the invited role", arguments: ["developer", "dba", "admin"])
    func inviteAndAccept(role: String) async throws {
        let f = try Fixture()
        try await f.server.test { client async throws in
            // Given an invitation
            let invited = try await f.invite(client, "New.Person@zephyr.test", role)
            #expect(invited.status == .created)
            #expect(invited.json["role"] as? String == role)
            #expect(invited.json["email"] as? String == "new.person@zephyr.test")
            let link = try #require(invited.json["link"] as? String)
            #expect(link.contains("/invite/lsi_"))
            let path = try TestServer.authPath(of: link, from: "/invite/")

            // When the invitee opens it
            let page = try await client.execute(uri: path, method: .get, headers: [:], body: nil)
            #expect(page.status == .ok)
            #expect(page.text.contains("Zephyr Labs"))
            #expect(page.text.contains("new.person@zephyr.test"))
            let csrf = try #require(page.authCookieValue(named: "logstag_csrf"))

            // and accepts
            let accepted = try await client.authAnonymousForm(path, csrf: csrf, [
                "name": "New Person", "password": TestServer.password, "password_confirm": TestServer.password,
            ])

            // Then they are signed in as a member with that role
            #expect(accepted.status == .seeOther)
            let raw = try #require(accepted.authCookieValue(named: "logstag_session"))
            let me = try await client.authMe(try f.server.authBrowser(sessionCookie: raw).headers())
            #expect(me.json["role"] as? String == role)
            #expect((me.json["organization"] as? [String: Any])?["id"] as? String == f.org.id)
            #expect(try await f.members(client)["new.person@zephyr.test"] == role)

            // and the link cannot be used again
            #expect(try await client.execute(uri: path, method: .get, headers: [:], body: nil).status == .notFound)
            let reuse = try await client.authAnonymousForm(path, csrf: csrf, [
                "name": "Someone Else", "password": TestServer.password, "password_confirm": TestServer.password,
            ])
            #expect(reuse.status == .notFound)
            #expect(reuse.authSetCookie(named: "logstag_session") == nil)
        }
    }

    @Test("Accepting needs the CSRF cookie and matching passwords")
    func acceptValidation() async throws {
        let f = try Fixture()
        try await f.server.test { client async throws in
            let link = try #require(try await f.invite(client, "new@zephyr.test", "dba").json["link"] as? String)
            let path = try TestServer.authPath(of: link, from: "/invite/")
            let fields = ["name": "New", "password": TestServer.password, "password_confirm": TestServer.password]
            #expect(try await client.authAnonymousForm(path, csrf: nil, fields).status == .forbidden)
            let csrf = try await client.authAnonymousCSRF(path)
            var mismatch = fields
            mismatch["password_confirm"] = "a different password"
            #expect(try await client.authAnonymousForm(path, csrf: csrf, mismatch).status == .unprocessableContent)
            #expect(try await f.members(client)["new@zephyr.test"] == nil)
            // Still usable after those failures.
            #expect(try await client.authAnonymousForm(path, csrf: csrf, fields).status == .seeOther)
        }
    }

    @Test("Someone who already has an account accepts with their current password; the account is reused")
    func existingAccountAccepts() async throws {
        // Given the Owner of another organisation, invited to Zephyr Labs as DBA
        let f = try Fixture()
        let (other, _) = try f.server.makeOrganization("Other Org", owner: "someone@other.test")
        let hashBefore = try #require(try f.server.services.accounts.user(id: other.id)?.passwordHash)
        try await f.server.test { client async throws in
            let link = try #require(try await f.invite(client, "someone@other.test", "dba").json["link"] as? String)
            let path = try TestServer.authPath(of: link, from: "/invite/")
            let csrf = try await client.authAnonymousCSRF(path)

            // When the wrong password is given, nothing happens
            let wrong = try await client.authAnonymousForm(path, csrf: csrf, ["name": "Someone", "password": "not my password at all"])
            #expect(wrong.status == .unauthorized)
            #expect(try f.server.services.accounts.role(orgID: f.org.id, userID: other.id) == nil)

            // Then with the right one they join with the same account and password
            let right = try await client.authAnonymousForm(path, csrf: csrf, ["name": "Someone", "password": TestServer.password])
            #expect(right.status == .seeOther)
            #expect(try f.server.services.accounts.role(orgID: f.org.id, userID: other.id) == .dba)
            #expect(try f.server.services.accounts.user(id: other.id)?.passwordHash == hashBefore)
            #expect(try f.server.services.accounts.memberships(userID: other.id).count == 2)
        }
    }

    @Test("A new invitation for the same address replaces the pending one")
    func reinviteReplaces() async throws {
        let f = try Fixture()
        try await f.server.test { client async throws in
            let first = try TestServer.authPath(
                of: try #require(try await f.invite(client, "again@zephyr.test", "developer").json["link"] as? String), from: "/invite/")
            let second = try TestServer.authPath(
                of: try #require(try await f.invite(client, "again@zephyr.test", "admin").json["link"] as? String), from: "/invite/")
            #expect(try await client.execute(uri: first, method: .get, headers: [:], body: nil).status == .notFound)
            let page = try await client.execute(uri: second, method: .get, headers: [:], body: nil)
            #expect(page.status == .ok)
            #expect(page.text.contains("Admin"))
        }
    }

    @Test("An invitation expires after 7 days")
    func invitationExpiry() async throws {
        let f = try Fixture()
        try await f.server.test { client async throws in
            // Given two invitations
            let early = try TestServer.authPath(
                of: try #require(try await f.invite(client, "early@zephyr.test", "developer").json["link"] as? String), from: "/invite/")
            let late = try TestServer.authPath(
                of: try #require(try await f.invite(client, "late@zephyr.test", "developer").json["link"] as? String), from: "/invite/")
            // When 7 days minus a second pass, they still open
            f.server.clock.advance(7 * 24 * 3600 - 1)
            #expect(try await client.execute(uri: early, method: .get, headers: [:], body: nil).status == .ok)
            // Then a second later they are gone
            f.server.clock.advance(2)
            let expired = try await client.execute(uri: late, method: .get, headers: [:], body: nil)
            #expect(expired.status == .notFound)
            #expect(expired.text.contains("expired"))
            let csrf = try await client.authAnonymousCSRF("/login")
            let post = try await client.authAnonymousForm(late, csrf: csrf, [
                "name": "Late", "password": TestServer.password, "password_confirm": TestServer.password,
            ])
            #expect(post.status == .notFound)
            #expect(try f.server.services.accounts.user(email: "late@zephyr.test") == nil)
        }
    }

    @Test("Invitation validation: unknown or owner role → 422; existing member → 409; bad e-mail → 422")
    func invitationValidation() async throws {
        let f = try Fixture()
        try await f.server.test { client async throws in
            for role in ["owner", "superuser", ""] {
                let response = try await f.invite(client, "x@zephyr.test", role)
                #expect(response.status == .unprocessableContent, "role \(role)")
                #expect(response.authCode == "invalid_role")
            }
            let existing = try await f.invite(client, "DBA@zephyr.test", "developer")
            #expect(existing.status == .conflict)
            #expect(try await f.invite(client, "not-an-address", "developer").status == .unprocessableContent)
            #expect(try await f.invite(client, "x@zephyr.test", "developer", as: f.dbaBrowser).status == .forbidden)
            #expect(try f.server.services.accounts.pendingInvitations(orgID: f.org.id, now: f.server.clock.now).isEmpty)
        }
    }

    // MARK: - Roles

    @Test("An Admin changes a role; the role is effective and the member's sessions end")
    func changeRole() async throws {
        let f = try Fixture()
        try await f.server.test { client async throws in
            // When
            let response = try await client.json(.patch, "/api/v1/members/\(f.developer.id)", f.adminBrowser.headers(json: true), ["role": "dba"])
            // Then
            #expect(response.status == .noContent)
            #expect(try f.role(of: f.developer) == .dba)
            #expect(try await f.members(client)["dev@zephyr.test"] == "dba")
            #expect(try await client.authMe(f.developerBrowser.headers()).status == .unauthorized)
        }
    }

    @Test("Setting the owner role or an unknown role by PATCH → 422")
    func cannotAssignOwner() async throws {
        let f = try Fixture()
        try await f.server.test { client async throws in
            for role in ["owner", "root"] {
                let response = try await client.json(.patch, "/api/v1/members/\(f.admin.id)", f.ownerBrowser.headers(json: true), ["role": role])
                #expect(response.status == .unprocessableContent, "role \(role)")
                #expect(response.authCode == "invalid_role")
            }
            #expect(try f.role(of: f.admin) == .admin)
            #expect(try f.role(of: f.owner) == .owner)
        }
    }

    @Test("The Owner can be neither demoted nor removed, by an Admin or by themself (409 last_owner)")
    func ownerIsProtected() async throws {
        let f = try Fixture()
        try await f.server.test { client async throws in
            for browser in [f.adminBrowser, f.ownerBrowser] {
                let demote = try await client.json(.patch, "/api/v1/members/\(f.owner.id)", browser.headers(json: true), ["role": "admin"])
                #expect(demote.status == .conflict)
                #expect(demote.authCode == "last_owner")
                let remove = try await client.json(.delete, "/api/v1/members/\(f.owner.id)", browser.headers())
                #expect(remove.status == .conflict)
                #expect(remove.authCode == "last_owner")
            }
            #expect(try f.role(of: f.owner) == .owner)
            #expect(try await client.authMe(f.ownerBrowser.headers()).status == .ok)
        }
    }

    @Test("DELETE removes a member: gone from the list, sessions ended, account kept")
    func removeMember() async throws {
        let f = try Fixture()
        try await f.server.test { client async throws in
            let response = try await client.json(.delete, "/api/v1/members/\(f.dba.id)", f.adminBrowser.headers())
            #expect(response.status == .noContent)
            #expect(try await f.members(client)["dba@zephyr.test"] == nil)
            #expect(try f.role(of: f.dba) == nil)
            #expect(try await client.authMe(f.dbaBrowser.headers()).status == .unauthorized)
            #expect(try f.server.services.accounts.user(id: f.dba.id) != nil)
            // A second removal finds nobody.
            #expect(try await client.json(.delete, "/api/v1/members/\(f.dba.id)", f.adminBrowser.headers()).status == .notFound)
        }
    }

    // MARK: - Ownership

    @Test("The Owner transfers ownership: the target becomes Owner and the old Owner Admin")
    func transferOwnership() async throws {
        let f = try Fixture()
        try await f.server.test { client async throws in
            // When
            let response = try await client.json(.post, "/api/v1/ownership-transfer", f.ownerBrowser.headers(json: true), ["user_id": f.dba.id])
            // Then
            #expect(response.status == .noContent)
            #expect(try f.role(of: f.dba) == .owner)
            #expect(try f.role(of: f.owner) == .admin)
            let owners = try f.server.services.accounts.members(orgID: f.org.id).filter { $0.role == .owner }
            #expect(owners.map(\.user.id) == [f.dba.id])
            // The new Owner can now see the audit log; the old one cannot.
            let newOwner = try f.server.browser(for: f.dba, org: f.org)
            let oldOwner = try f.server.browser(for: f.owner, org: f.org)
            #expect(try await client.json(.get, "/api/v1/audit", newOwner.headers()).status == .ok)
            #expect(try await client.json(.get, "/api/v1/audit", oldOwner.headers()).status == .forbidden)
        }
    }

    @Test("An Admin cannot transfer ownership (403); nothing changes")
    func adminCannotTransfer() async throws {
        let f = try Fixture()
        try await f.server.test { client async throws in
            let response = try await client.json(.post, "/api/v1/ownership-transfer", f.adminBrowser.headers(json: true), ["user_id": f.admin.id])
            #expect(response.status == .forbidden)
            #expect(response.authCode == "forbidden")
            #expect(try f.role(of: f.owner) == .owner)
            #expect(try f.role(of: f.admin) == .admin)
        }
    }

    @Test("Transfer to oneself or to a non-member is refused")
    func transferTargets() async throws {
        let f = try Fixture()
        try await f.server.test { client async throws in
            let toSelf = try await client.json(.post, "/api/v1/ownership-transfer", f.ownerBrowser.headers(json: true), ["user_id": f.owner.id])
            #expect(toSelf.status == .conflict)
            let nobody = try await client.json(.post, "/api/v1/ownership-transfer", f.ownerBrowser.headers(json: true), ["user_id": "nope"])
            #expect(nobody.status == .notFound)
            #expect(try f.role(of: f.owner) == .owner)
        }
    }

    // MARK: - Tenancy

    @Test("Another organisation's member ids answer 404 for change, removal and transfer")
    func otherOrganizationMember() async throws {
        let f = try Fixture()
        let (outsider, other) = try f.server.makeOrganization("Other Org", owner: "owner@other.test")
        let otherDev = try f.server.addMember(org: other, email: "dev@other.test", role: .developer)
        try await f.server.test { client async throws in
            for target in [outsider, otherDev] {
                let patch = try await client.json(.patch, "/api/v1/members/\(target.id)", f.ownerBrowser.headers(json: true), ["role": "dba"])
                #expect(patch.status == .notFound)
                let delete = try await client.json(.delete, "/api/v1/members/\(target.id)", f.ownerBrowser.headers())
                #expect(delete.status == .notFound)
                let transfer = try await client.json(
                    .post, "/api/v1/ownership-transfer", f.ownerBrowser.headers(json: true), ["user_id": target.id])
                #expect(transfer.status == .notFound)
            }
            #expect(try f.server.services.accounts.role(orgID: other.id, userID: otherDev.id) == .developer)
            #expect(try f.server.services.accounts.role(orgID: other.id, userID: outsider.id) == .owner)
            #expect(try f.role(of: f.owner) == .owner)
        }
    }

    @Test("A member of two organisations switches between them; a foreign organisation → 404")
    func switchOrganization() async throws {
        // Given a person who owns Zephyr Labs and is a DBA in Beta
        let f = try Fixture()
        let (_, beta) = try f.server.makeOrganization("Beta Org", owner: "owner@beta.test")
        let (_, foreign) = try f.server.makeOrganization("Foreign Org", owner: "owner@foreign.test")
        let same = try f.server.addMember(org: beta, email: "owner@zephyr.test", role: .dba)
        #expect(same.id == f.owner.id)
        try await f.server.test { client async throws in
            let before = try await client.authMe(f.ownerBrowser.headers())
            #expect((before.json["organization"] as? [String: Any])?["id"] as? String == f.org.id)
            #expect((before.json["organizations"] as? [[String: Any]])?.count == 2)

            // When switching to Beta
            let switched = try await client.form("/org/switch", f.ownerBrowser, ["org_id": beta.id])

            // Then the session acts in Beta with the DBA role
            #expect(switched.status == .seeOther)
            let after = try await client.authMe(f.ownerBrowser.headers())
            #expect((after.json["organization"] as? [String: Any])?["id"] as? String == beta.id)
            #expect(after.json["role"] as? String == "dba")
            #expect(try await client.json(.get, "/api/v1/members", f.ownerBrowser.headers()).status == .forbidden)

            // and switching to an organisation they do not belong to is refused
            let refused = try await client.form("/org/switch", f.ownerBrowser, ["org_id": foreign.id])
            #expect(refused.status == .notFound)
            let still = try await client.authMe(f.ownerBrowser.headers())
            #expect((still.json["organization"] as? [String: Any])?["id"] as? String == beta.id)

            // and back
            #expect(try await client.form("/org/switch", f.ownerBrowser, ["org_id": f.org.id]).status == .seeOther)
            #expect(try await client.authMe(f.ownerBrowser.headers()).json["role"] as? String == "owner")
        }
    }
}
