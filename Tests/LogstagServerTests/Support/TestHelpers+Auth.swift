import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import LogstagCore
import LogstagStorage
import NIOCore
import Testing

@testable import LogstagServer

// Helpers for the sign-in, membership, API key and permission-matrix tests. Names are prefixed
// (`auth…`) so they cannot collide with helpers other test files add.

extension TestResponse {
    /// Every `Set-Cookie` header of the response, in order.
    var authSetCookies: [String] { headers[values: .setCookie] }

    /// The full `Set-Cookie` header that sets `name`, if any.
    func authSetCookie(named name: String) -> String? {
        authSetCookies.first { $0.hasPrefix("\(name)=") }
    }

    /// The value the response sets for cookie `name`, if any.
    func authCookieValue(named name: String) -> String? {
        guard let header = authSetCookie(named: name) else { return nil }
        let pair = header.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
        return String(pair.dropFirst(name.count + 1))
    }

    /// The JSON error code (`{"code": ...}`), if any.
    var authCode: String? { json["code"] as? String }
}

extension TestClientProtocol {
    /// GETs a page that carries a pre-login form and returns the anonymous CSRF value it set.
    func authAnonymousCSRF(_ path: String, secure: Bool = false) async throws -> String {
        let page = try await execute(uri: path, method: .get, headers: [:], body: nil)
        let value = try #require(page.authCookieValue(named: SessionCookie.csrfName(secure: secure)), "GET \(path) set no CSRF cookie")
        return value
    }

    /// POSTs a pre-login form with the double-submit CSRF cookie and field.
    func authAnonymousForm(_ path: String, csrf: String?, _ fields: [String: String], secure: Bool = false,
                           extraHeaders: HTTPFields = [:]) async throws -> TestResponse
    {
        var all = fields
        if let csrf { all["_csrf"] = csrf }
        let body = all.map { "\($0.key.formEncoded)=\($0.value.formEncoded)" }.joined(separator: "&")
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let csrf { headers[.cookie] = "\(SessionCookie.csrfName(secure: secure))=\(csrf)" }
        for field in extraHeaders { headers[field.name] = field.value }
        return try await execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    /// The sign-in form as a browser submits it: GET /login for the CSRF cookie, then POST /login.
    func authLogin(email: String, password: String, secure: Bool = false) async throws -> TestResponse {
        let csrf = try await authAnonymousCSRF("/login", secure: secure)
        return try await authAnonymousForm("/login", csrf: csrf, ["email": email, "password": password], secure: secure)
    }

    /// GET /api/v1/me with the given headers.
    func authMe(_ headers: HTTPFields) async throws -> TestResponse {
        try await execute(uri: "/api/v1/me", method: .get, headers: headers, body: nil)
    }
}

extension TestServer {
    /// A browser for a raw session cookie value the server handed out (login, bootstrap,
    /// invitation): the CSRF token is the one stored with that session.
    func authBrowser(sessionCookie raw: String, secure: Bool = false) throws -> Browser {
        let token = try TokenFormat.parse(raw, expecting: .session)
        let session = try #require(try services.accounts.session(id: token.id), "no session stored for the cookie")
        return Browser(cookie: "\(SessionCookie.name(secure: secure))=\(raw)", csrf: session.csrfToken)
    }

    /// Runs a read-only SQL query returning strings.
    func authStrings(_ sql: String) throws -> [String] {
        try services.database.writer.read { db in try String.fetchAll(db, sql: sql) }
    }

    /// The path part of an absolute link the server printed (`https://host/invite/lsi_…` → `/invite/lsi_…`).
    static func authPath(of link: String, from marker: String) throws -> String {
        let range = try #require(link.range(of: marker), "\(link) does not contain \(marker)")
        return String(link[range.lowerBound...])
    }
}
