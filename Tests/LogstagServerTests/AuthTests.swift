import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LogstagCore
import LogstagStorage
import NIOCore
import Testing

@testable import LogstagServer

@Suite("Sign-in, sessions, bootstrap, CSRF and password hashing")
struct AuthTests {
    static let ownerEmail = "owner@acme.test"

    // MARK: - Bootstrap

    @Test("Bootstrap link: form, creates the organisation and its Owner once, then 404; no link once a user exists")
    func bootstrapFlow() async throws {
        // Given a server with no users
        let server = try TestServer()
        let link = try #require(try AccountService(services: server.services).prepareBootstrapLink())
        #expect(link.contains("/bootstrap/lsb_"))
        let path = try TestServer.authPath(of: link, from: "/bootstrap/")
        try await server.test { client async throws in
            // When the operator opens the link
            let page = try await client.execute(uri: path, method: .get, headers: [:], body: nil)
            #expect(page.status == .ok)
            #expect(page.text.contains("name=\"org_name\""))
            let csrf = try #require(page.authCookieValue(named: "logstag_csrf"))

            // and submits the form
            let created = try await client.authAnonymousForm(path, csrf: csrf, [
                "org_name": "Acme Corp", "name": "Ada Owner", "email": "Ada@Acme.test",
                "password": TestServer.password, "password_confirm": TestServer.password,
            ])

            // Then the organisation and its Owner exist and the browser is signed in
            #expect(created.status == .seeOther)
            let raw = try #require(created.authCookieValue(named: "logstag_session"))
            #expect(raw.hasPrefix("lss_"))
            let browser = try server.authBrowser(sessionCookie: raw)
            let me = try await client.authMe(browser.headers())
            #expect(me.status == .ok)
            #expect(me.json["role"] as? String == "owner")
            #expect((me.json["organization"] as? [String: Any])?["name"] as? String == "Acme Corp")
            #expect((me.json["user"] as? [String: Any])?["email"] as? String == "ada@acme.test")

            // and the link is spent, for reading and for posting
            #expect(try await client.execute(uri: path, method: .get, headers: [:], body: nil).status == .notFound)
            let again = try await client.authAnonymousForm(path, csrf: csrf, [
                "org_name": "Evil Corp", "name": "Mallory", "email": "mallory@evil.test",
                "password": TestServer.password, "password_confirm": TestServer.password,
            ])
            #expect(again.status == .notFound)
            #expect(try server.services.accounts.user(email: "mallory@evil.test") == nil)
        }
        // and no new link is offered once someone exists
        #expect(try AccountService(services: server.services).prepareBootstrapLink() == nil)
    }

    @Test("Bootstrap: mismatched passwords answer 422 and keep the link usable; a re-issued link replaces the old one")
    func bootstrapValidationAndReissue() async throws {
        let server = try TestServer()
        let first = try TestServer.authPath(of: try #require(try AccountService(services: server.services).prepareBootstrapLink()), from: "/bootstrap/")
        try await server.test { client async throws in
            let csrf = try await client.authAnonymousCSRF(first)
            let mismatch = try await client.authAnonymousForm(first, csrf: csrf, [
                "org_name": "Acme", "name": "Ada", "email": "ada@acme.test", "password": TestServer.password, "password_confirm": "something else entirely",
            ])
            #expect(mismatch.status == .unprocessableContent)
            #expect(try server.services.accounts.hasUsers() == false)
            #expect(try await client.execute(uri: first, method: .get, headers: [:], body: nil).status == .ok)

            // A new link (server restart) invalidates the previous one.
            let second = try TestServer.authPath(
                of: try #require(try AccountService(services: server.services).prepareBootstrapLink()), from: "/bootstrap/")
            #expect(second != first)
            #expect(try await client.execute(uri: first, method: .get, headers: [:], body: nil).status == .notFound)
            #expect(try await client.execute(uri: second, method: .get, headers: [:], body: nil).status == .ok)
        }
    }

    @Test("Bootstrap POST without the CSRF cookie is refused")
    func bootstrapNeedsCSRF() async throws {
        let server = try TestServer()
        let path = try TestServer.authPath(of: try #require(try AccountService(services: server.services).prepareBootstrapLink()), from: "/bootstrap/")
        try await server.test { client async throws in
            let response = try await client.authAnonymousForm(path, csrf: nil, [
                "org_name": "Acme", "name": "Ada", "email": "ada@acme.test", "password": TestServer.password, "password_confirm": TestServer.password,
            ])
            #expect(response.status == .forbidden)
            #expect(try server.services.accounts.hasUsers() == false)
        }
    }

    // MARK: - Sign-in

    @Test("Login form: 303 with an HttpOnly, SameSite=Lax, Path=/ session cookie, not Secure over HTTP")
    func loginCookieOverHTTP() async throws {
        let server = try TestServer()
        try server.makeOrganization("Acme", owner: Self.ownerEmail)
        try await server.test { client async throws in
            // When
            let response = try await client.authLogin(email: "  OWNER@acme.test ", password: TestServer.password)
            // Then
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/")
            let header = try #require(response.authSetCookie(named: "logstag_session"))
            let attributes = header.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(attributes.contains("HttpOnly"))
            #expect(attributes.contains("SameSite=Lax"))
            #expect(attributes.contains("Path=/"))
            #expect(!attributes.contains("Secure"))
            #expect(!header.lowercased().contains("domain="))
            let raw = try #require(response.authCookieValue(named: "logstag_session"))
            let me = try await client.authMe(try server.authBrowser(sessionCookie: raw).headers())
            #expect(me.status == .ok)
            #expect((me.json["user"] as? [String: Any])?["email"] as? String == Self.ownerEmail)
        }
    }

    @Test("Under TLS the cookies are __Host- prefixed and Secure")
    func loginCookieUnderTLS() async throws {
        // Direct: the cookie builder
        let direct = SessionCookie.set("lss_value", secure: true)
        #expect(direct.hasPrefix("__Host-logstag_session=lss_value"))
        #expect(direct.contains("; Secure"))
        #expect(direct.contains("Path=/"))
        #expect(!direct.lowercased().contains("domain="))

        // Through the router with a TLS configuration
        var config = ServerConfig()
        config.tlsCertificate = "/etc/logstag/cert.pem"
        config.tlsKey = "/etc/logstag/key.pem"
        let server = try TestServer(config: config)
        try server.makeOrganization("Acme", owner: Self.ownerEmail)
        try await server.test { client async throws in
            let loginPage = try await client.execute(uri: "/login", method: .get, headers: [:], body: nil)
            let csrfHeader = try #require(loginPage.authSetCookie(named: "__Host-logstag_csrf"))
            #expect(csrfHeader.contains("Secure"))
            #expect(loginPage.authSetCookie(named: "logstag_csrf") == nil)
            #expect(loginPage.headers[.strictTransportSecurity] != nil)

            let response = try await client.authLogin(email: Self.ownerEmail, password: TestServer.password, secure: true)
            #expect(response.status == .seeOther)
            let header = try #require(response.authSetCookie(named: "__Host-logstag_session"))
            #expect(header.contains("; Secure"))
            #expect(header.contains("HttpOnly"))
            #expect(response.authSetCookie(named: "logstag_session") == nil)

            // The plain cookie name is not honoured under TLS.
            let raw = try #require(response.authCookieValue(named: "__Host-logstag_session"))
            #expect(try await client.authMe([.cookie: "logstag_session=\(raw)"]).status == .unauthorized)
            #expect(try await client.authMe([.cookie: "__Host-logstag_session=\(raw)"]).status == .ok)
        }
    }

    @Test("Wrong password and unknown account get the same 401 page and message, and no session")
    func wrongPasswordAndUnknownUser() async throws {
        let server = try TestServer()
        try server.makeOrganization("Acme", owner: Self.ownerEmail)
        try await server.test { client async throws in
            let wrong = try await client.authLogin(email: Self.ownerEmail, password: "not the password at all")
            let unknown = try await client.authLogin(email: "nobody@acme.test", password: TestServer.password)
            #expect(wrong.status == .unauthorized)
            #expect(unknown.status == .unauthorized)
            let message = "The e-mail address or password is not correct."
            #expect(wrong.text.contains(message))
            #expect(unknown.text.contains(message))
            #expect(wrong.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(wrong.authSetCookie(named: "logstag_session") == nil)
            #expect(unknown.authSetCookie(named: "logstag_session") == nil)
        }
    }

    @Test("Login without the CSRF double-submit is refused with 403")
    func loginNeedsCSRF() async throws {
        let server = try TestServer()
        try server.makeOrganization("Acme", owner: Self.ownerEmail)
        try await server.test { client async throws in
            let noCookie = try await client.authAnonymousForm("/login", csrf: nil, ["email": Self.ownerEmail, "password": TestServer.password])
            #expect(noCookie.status == .forbidden)
            #expect(noCookie.authSetCookie(named: "logstag_session") == nil)
            // Cookie and field that disagree.
            let csrf = try await client.authAnonymousCSRF("/login")
            let mismatched = try await client.execute(
                uri: "/login", method: .post,
                headers: [.cookie: "logstag_csrf=\(csrf)", .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "_csrf=\(String(repeating: "0", count: 48))&email=\(Self.ownerEmail.formEncoded)&password=\(TestServer.password.formEncoded)"))
            #expect(mismatched.status == .forbidden)
        }
    }

    // MARK: - Throttling

    @Test("5 failures for one account block the 6th attempt (even with the right password) for 5 minutes")
    func throttlePerAccount() async throws {
        let server = try TestServer()
        try server.makeOrganization("Acme", owner: Self.ownerEmail)
        try await server.test { client async throws in
            // Given five failures for the account
            for _ in 0..<5 {
                #expect(try await client.authLogin(email: Self.ownerEmail, password: "wrong password here").status == .unauthorized)
            }
            // When the right password is tried
            let blocked = try await client.authLogin(email: Self.ownerEmail, password: TestServer.password)
            // Then it is refused with 429 and Retry-After
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.authSetCookie(named: "logstag_session") == nil)
            let retry = try #require(blocked.headers[.retryAfter].flatMap { Int($0) })
            #expect((1...300).contains(retry))

            // Another account is not affected by this account's failures.
            try server.makeOrganization("Beta", owner: "owner@beta.test")
            #expect(try await client.authLogin(email: "owner@beta.test", password: TestServer.password).status == .seeOther)

            // After the window the right password works again.
            server.clock.advance(301)
            #expect(try await client.authLogin(email: Self.ownerEmail, password: TestServer.password).status == .seeOther)
        }
    }

    @Test("An unknown account is throttled exactly like a known one")
    func throttleUnknownAccount() async throws {
        let server = try TestServer()
        try await server.test { client async throws in
            for _ in 0..<5 {
                #expect(try await client.authLogin(email: "ghost@acme.test", password: "wrong password here").status == .unauthorized)
            }
            let blocked = try await client.authLogin(email: "ghost@acme.test", password: "wrong password here")
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.headers[.retryAfter] != nil)
            #expect(blocked.text.contains("Too many failed sign-in attempts"))
        }
    }

    @Test("20 failures from one client address across accounts block that address")
    func throttlePerIP() async throws {
        // Given (in router tests every request comes from the same client address)
        let server = try TestServer()
        try server.makeOrganization("Acme", owner: Self.ownerEmail)
        try await server.test { client async throws in
            for i in 0..<19 {
                #expect(try await client.authLogin(email: "user\(i)@spray.test", password: "wrong password here").status == .unauthorized)
            }
            // The 20th failure is still answered normally...
            #expect(try await client.authLogin(email: "user19@spray.test", password: "wrong password here").status == .unauthorized)
            // When a real account then signs in from the same address
            let blocked = try await client.authLogin(email: Self.ownerEmail, password: TestServer.password)
            // Then the address is blocked
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.headers[.retryAfter] != nil)
            server.clock.advance(301)
            #expect(try await client.authLogin(email: Self.ownerEmail, password: TestServer.password).status == .seeOther)
        }
    }

    // MARK: - Sessions

    @Test("Logout deletes the session: the old cookie then gets 401")
    func logoutInvalidatesSession() async throws {
        let server = try TestServer()
        try server.makeOrganization("Acme", owner: Self.ownerEmail)
        try await server.test { client async throws in
            let login = try await client.authLogin(email: Self.ownerEmail, password: TestServer.password)
            let browser = try server.authBrowser(sessionCookie: try #require(login.authCookieValue(named: "logstag_session")))
            #expect(try await client.authMe(browser.headers()).status == .ok)

            // When
            let logout = try await client.form("/logout", browser, [:])

            // Then
            #expect(logout.status == .seeOther)
            #expect(logout.headers[.location] == "/login?signed_out=1")
            let cleared = try #require(logout.authSetCookie(named: "logstag_session"))
            #expect(cleared.contains("Max-Age=0"))
            let replay = try await client.authMe(browser.headers())
            #expect(replay.status == .unauthorized)
            #expect(replay.authCode == "unauthenticated")
        }
    }

    @Test("Logout without the session's CSRF token is refused and the session survives")
    func logoutNeedsCSRF() async throws {
        let server = try TestServer()
        let (owner, org) = try server.makeOrganization("Acme", owner: Self.ownerEmail)
        let browser = try server.browser(for: owner, org: org)
        try await server.test { client async throws in
            #expect(try await client.form("/logout", browser, [:], includeCSRF: false).status == .forbidden)
            #expect(try await client.authMe(browser.headers()).status == .ok)
        }
    }

    @Test("Idle timeout: a session unused for more than 2 h is gone")
    func idleExpiry() async throws {
        let server = try TestServer()
        let (owner, org) = try server.makeOrganization("Acme", owner: Self.ownerEmail)
        let browser = try server.browser(for: owner, org: org)
        try await server.test { client async throws in
            server.clock.advance(2 * 3600 - 1)
            #expect(try await client.authMe(browser.headers()).status == .ok)
            // The request above refreshed the session; idle again for over 2 h.
            server.clock.advance(2 * 3600 + 1)
            #expect(try await client.authMe(browser.headers()).status == .unauthorized)
        }
    }

    @Test("Absolute lifetime: even an active session ends after 12 h")
    func absoluteExpiry() async throws {
        // Given a session used every 90 minutes (never idle for 2 h)
        let server = try TestServer()
        let (owner, org) = try server.makeOrganization("Acme", owner: Self.ownerEmail)
        let browser = try server.browser(for: owner, org: org)
        try await server.test { client async throws in
            for _ in 0..<7 {
                server.clock.advance(90 * 60)
                #expect(try await client.authMe(browser.headers()).status == .ok)
            }
            // When it reaches 12 h - 1 s it still works
            server.clock.advance(90 * 60 - 1)
            #expect(try await client.authMe(browser.headers()).status == .ok)
            // Then past 12 h it is refused
            server.clock.advance(2)
            #expect(try await client.authMe(browser.headers()).status == .unauthorized)
        }
    }

    @Test("Advancing the clock past 12 h ends a session")
    func expiredAfterTwelveHours() async throws {
        let server = try TestServer()
        let (owner, org) = try server.makeOrganization("Acme", owner: Self.ownerEmail)
        let browser = try server.browser(for: owner, org: org)
        try await server.test { client async throws in
            #expect(try await client.authMe(browser.headers()).status == .ok)
            server.clock.advance(12 * 3600 + 1)
            let response = try await client.authMe(browser.headers())
            #expect(response.status == .unauthorized)
            #expect(response.authCode == "unauthenticated")
        }
    }

    // MARK: - CSRF

    @Test("Cookie sessions need X-CSRF-Token and a same-origin Origin on unsafe API calls; API keys need neither")
    func csrfOnAPI() async throws {
        let server = try TestServer()
        let (owner, org) = try server.makeOrganization("Acme", owner: Self.ownerEmail)
        let browser = try server.browser(for: owner, org: org)
        let key = try server.apiKey(org: org)
        let body: [String: String] = ["engine": "postgresql", "name": "orders-db"]
        try await server.test { client async throws in
            // No token
            let missing = try await client.json(.post, "/api/v1/assets", [.cookie: browser.cookie, .contentType: "application/json"], body)
            #expect(missing.status == .forbidden)
            #expect(missing.authCode == "csrf_failed")

            // Wrong token
            let wrong = try await client.json(
                .post, "/api/v1/assets", [.cookie: browser.cookie, .contentType: "application/json", .csrfTokenHeader: "not-the-session-token"], body)
            #expect(wrong.status == .forbidden)
            #expect(wrong.authCode == "csrf_failed")

            // Right token, foreign origin
            var foreign = browser.headers(json: true)
            foreign[.origin] = "https://evil.example"
            let crossSite = try await client.json(.post, "/api/v1/assets", foreign, body)
            #expect(crossSite.status == .forbidden)
            #expect(crossSite.authCode == "csrf_failed")
            #expect(try server.authStrings("SELECT id FROM assets").isEmpty)

            // Right token, same origin (the router test client's authority is localhost)
            var sameOrigin = browser.headers(json: true)
            sameOrigin[.origin] = "http://localhost"
            #expect(try await client.json(.post, "/api/v1/assets", sameOrigin, body).status == .created)

            // API key: no CSRF token, and a cookie-less caller is not subject to Origin checks
            var keyHeaders = key
            keyHeaders[.origin] = "https://evil.example"
            #expect(try await client.json(.post, "/api/v1/assets", keyHeaders, ["engine": "mssql", "name": "billing-db"]).status == .created)
            #expect(try server.authStrings("SELECT id FROM assets").count == 2)

            // Safe methods need no token.
            #expect(try await client.execute(uri: "/api/v1/assets", method: .get, headers: [.cookie: browser.cookie], body: nil).status == .ok)
        }
    }

    @Test("An Origin naming another port of the same host is not same-origin and is refused")
    func csrfOriginOtherPort() async throws {
        // Given a signed-in browser with the right CSRF token (the test client's Host is "localhost")
        let server = try TestServer()
        let (owner, org) = try server.makeOrganization("Acme", owner: Self.ownerEmail)
        let browser = try server.browser(for: owner, org: org)
        try await server.test { client async throws in
            // When a page served from another port of the host sends the request
            var headers = browser.headers(json: true)
            headers[.origin] = "http://localhost:9999"
            let response = try await client.json(.post, "/api/v1/api-keys", headers, ["name": "cross-port"])
            // Then it is refused like any other foreign origin
            #expect(response.status == .forbidden)
            #expect(response.authCode == "csrf_failed")
        }
    }

    @Test("A form POST without _csrf is refused; with it, it works")
    func csrfOnForms() async throws {
        let server = try TestServer()
        let (owner, org) = try server.makeOrganization("Acme", owner: Self.ownerEmail)
        let browser = try server.browser(for: owner, org: org)
        try await server.test { client async throws in
            let fields = ["engine": "postgresql", "name": "orders-db", "environment": "Production"]
            let refused = try await client.form("/assets", browser, fields, includeCSRF: false)
            #expect(refused.status == .forbidden)
            #expect(refused.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(try server.authStrings("SELECT id FROM assets").isEmpty)
            let accepted = try await client.form("/assets", browser, fields)
            #expect(accepted.status == .seeOther)
            #expect(try server.authStrings("SELECT id FROM assets").count == 1)
        }
    }

    // MARK: - Security headers

    @Test("Security headers on pages, JSON errors and HTML errors", arguments: [
        ("/login", HTTPResponse.Status.ok), ("/api/v1/me", .unauthorized), ("/no-such-page", .notFound), ("/api/v1/nope", .notFound),
    ])
    func securityHeaders(path: String, status: HTTPResponse.Status) async throws {
        let server = try TestServer()
        try await server.test { client async throws in
            let response = try await client.execute(uri: path, method: .get, headers: [:], body: nil)
            #expect(response.status == status)
            #expect(response.headers[.xContentTypeOptions] == "nosniff")
            let csp = try #require(response.headers[.contentSecurityPolicy])
            #expect(csp.contains("frame-ancestors 'none'"))
            #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
            // No HSTS over plain HTTP.
            #expect(response.headers[.strictTransportSecurity] == nil)
        }
    }

    // MARK: - Password hashing

    @Test("argon2id with OWASP parameters: PHC string, verifies, rejects a wrong password")
    func owaspHash() {
        let hash = PasswordHasher.owasp.hash("x")
        #expect(hash.hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$"))
        #expect(PasswordHasher.owasp.verify("x", hash: hash))
        #expect(!PasswordHasher.owasp.verify("y", hash: hash))
        #expect(!PasswordHasher.owasp.needsRehash(hash))
        // Salted: the same password hashes differently each time.
        #expect(PasswordHasher.owasp.hash("x") != hash)
        // Not argon2id at all.
        #expect(!PasswordHasher.owasp.verify("x", hash: "x"))
    }

    @Test("The database stores only the argon2id hash, never the password")
    func storedHashIsNotThePassword() async throws {
        let server = try TestServer()
        let (_, org) = try server.makeOrganization("Acme", owner: Self.ownerEmail)
        try server.addMember(org: org, email: "dev@acme.test", role: .developer)
        try await server.test { client async throws in
            #expect(try await client.authLogin(email: Self.ownerEmail, password: TestServer.password).status == .seeOther)
        }
        let hashes = try server.authStrings("SELECT password_hash FROM users")
        #expect(hashes.count == 2)
        for hash in hashes {
            #expect(hash.hasPrefix("$argon2id$"))
            #expect(!hash.contains(TestServer.password))
            #expect(!hash.contains(Data(TestServer.password.utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")))
        }
        // Nothing else in the users table holds it either.
        let rows = try server.services.database.writer.read { db in try Row.fetchAll(db, sql: "SELECT * FROM users") }
        #expect(!rows.map(\.description).joined().contains(TestServer.password))
    }

    @Test("A hash with weaker parameters is upgraded on the next successful sign-in; a current one is left alone")
    func rehashOnLogin() async throws {
        // Given a user whose stored hash uses weaker parameters than the server's hasher
        let server = try TestServer()
        let (owner, _) = try server.makeOrganization("Acme", owner: Self.ownerEmail)
        let serverParams = "$m=\(server.services.hasher.memoryKiB),t=\(server.services.hasher.iterations),p=\(server.services.hasher.parallelism)$"
        let weak = PasswordHasher(memoryKiB: 64, iterations: 1, parallelism: 1).hash(TestServer.password)
        #expect(server.services.hasher.needsRehash(weak))
        try server.services.accounts.updatePasswordHash(userID: owner.id, hash: weak)

        try await server.test { client async throws in
            // A failed sign-in does not touch it
            #expect(try await client.authLogin(email: Self.ownerEmail, password: "wrong password here").status == .unauthorized)
            #expect(try server.services.accounts.user(id: owner.id)?.passwordHash == weak)

            // When the user signs in
            #expect(try await client.authLogin(email: Self.ownerEmail, password: TestServer.password).status == .seeOther)

            // Then the hash carries the server's parameters and still verifies
            let upgraded = try #require(try server.services.accounts.user(id: owner.id)?.passwordHash)
            #expect(upgraded != weak)
            #expect(upgraded.contains(serverParams))
            #expect(!server.services.hasher.needsRehash(upgraded))
            #expect(server.services.hasher.verify(TestServer.password, hash: upgraded))

            // and a second sign-in keeps it as is
            #expect(try await client.authLogin(email: Self.ownerEmail, password: TestServer.password).status == .seeOther)
            #expect(try server.services.accounts.user(id: owner.id)?.passwordHash == upgraded)
        }
    }
}
