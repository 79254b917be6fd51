import Foundation
import HTTPTypes
import Hummingbird
import LogstagCore
import LogstagStorage

/// Sign-in, sign-out, first-run bootstrap, invitation acceptance and the organisation switcher.
/// Forms shown before sign-in are protected by a double-submit CSRF cookie.
struct AuthPagesController {
    let services: AppServices
    var accounts: AccountService { AccountService(services: services) }
    var secure: Bool { services.config.tlsEnabled }

    func register(on router: Router<AppRequestContext>) {
        router.get("/", use: home)
        router.get("login", use: loginPage)
        router.post("login", use: login)
        router.post("logout", use: logout)
        router.get("bootstrap/{token}", use: bootstrapPage)
        router.post("bootstrap/{token}", use: bootstrap)
        router.get("invite/{token}", use: invitePage)
        router.post("invite/{token}", use: acceptInvite)
        router.post("org/switch", use: switchOrg)
        router.get("home", use: homePage)
    }

    func home(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let identity = context.identity, identity.user != nil else { return .redirect("/login") }
        // The Overview dashboard is the landing page of everyone who may view databases.
        if identity.has(.viewDatabases) { return .redirect("/overview") }
        return .redirect(identity.has(.manageDatabases) ? "/assets" : identity.has(.manageMembers) ? "/members" : "/home")
    }

    /// The landing page of roles without access to Assets (Developers): what they can do today.
    func homePage(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let identity = context.identity, identity.user != nil else { return .redirect("/login") }
        var fields = try PageContext(services: services, identity: identity).base(
            title: "Welcome", active: "home", flash: request.uri.queryParameters.get("flash"))
        fields["roleName"] = identity.role.displayName
        fields["canManageAssets"] = identity.has(.manageDatabases)
        return WebRenderer.shared.render("home", fields)
    }

    // MARK: - Pre-login CSRF (double submit)

    /// The anonymous CSRF value from the cookie, or a new one to set.
    func anonymousCSRF(_ request: Request) -> (value: String, setCookie: String?) {
        if let value = request.cookies[SessionCookie.csrfName(secure: secure)]?.value, value.count == 48 { return (value, nil) }
        let value = Crypto.randomHex(24)
        return (value, SessionCookie.header(SessionCookie.csrfName(secure: secure), value: value, secure: secure, maxAge: 3600))
    }

    func checkAnonymousCSRF(_ request: Request, form: FormBody) throws {
        try AuthMiddleware.checkOrigin(request)
        guard let cookie = request.cookies[SessionCookie.csrfName(secure: secure)]?.value, let field = form["_csrf"],
              Crypto.constantTimeEquals(cookie, field)
        else { throw AppError(.forbidden, "csrf_failed", "The form expired. Reload the page and try again.") }
    }

    func renderAnonymous(_ template: String, _ request: Request, _ fields: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        let csrf = anonymousCSRF(request)
        var context = fields
        context["csrf"] = csrf.value
        var headers: HTTPFields = [:]
        if let cookie = csrf.setCookie { headers.append(HTTPField(name: .setCookie, value: cookie)) }
        return WebRenderer.shared.render(template, context, status: status, headers: headers)
    }

    // MARK: - Sign-in

    func loginPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        if context.identity?.user != nil { return .redirect("/") }
        var fields: [String: Any] = ["title": "Sign in"]
        if request.uri.queryParameters.get("signed_out") != nil { fields["notice"] = "You are signed out." }
        if try !services.accounts.hasUsers() {
            fields["notice"] = "This server has no accounts yet. Open the one-time bootstrap link printed in the server log to create the organisation."
        }
        return renderAnonymous("login", request, fields)
    }

    func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await RequestBody.form(request)
        try checkAnonymousCSRF(request, form: form)
        let email = form["email"] ?? ""
        let started = ContinuousClock.now
        do {
            let signedIn = try await accounts.login(email: email, password: form["password"] ?? "", ip: context.clientIP)
            let role = try services.accounts.role(orgID: signedIn.session.orgID, userID: signedIn.user.id)
            audit(request, context, status: 303, started: started, orgID: signedIn.session.orgID, user: signedIn.user, role: role, action: "login")
            return .redirect("/", cookies: [SessionCookie.set(signedIn.cookieValue, secure: secure)])
        } catch let error as AppError {
            // Failed sign-ins are recorded in the account's organisations when the account exists.
            let user = try services.accounts.user(email: email.lowercased())
            let orgs = try user.map { try services.accounts.memberships(userID: $0.id).map(\.organization.id) } ?? [""]
            for org in orgs.isEmpty ? [""] : orgs {
                audit(request, context, status: Int(error.status.code), started: started, orgID: org, user: user,
                      email: String(email.prefix(254)), action: "login failed")
            }
            var response = renderAnonymous("login", request, ["title": "Sign in", "error": error.message, "email": email], status: error.status)
            for field in error.headers { response.headers.append(field) }
            return response
        }
    }

    func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        context.audit.skip = true
        if let identity = context.identity, let session = identity.session {
            try services.accounts.deleteSession(id: session.id)
            audit(request, context, status: 303, started: .now, orgID: identity.orgID, user: identity.user, role: identity.role, action: "logout")
        }
        return .redirect("/login?signed_out=1", cookies: [SessionCookie.clear(secure: secure)])
    }

    func audit(_ request: Request, _ context: AppRequestContext, status: Int, started: ContinuousClock.Instant, orgID: String, user: User?,
               email: String? = nil, role: Role? = nil, action: String)
    {
        let entry = AuditRecorder.entry(
            services: services, request: request, context: context, identity: nil, status: status, duration: ContinuousClock.now - started,
            body: email.map { "{\"email\":\"\(Redaction.redactText($0).replacingOccurrences(of: "\"", with: "\\\""))\"}" }, orgID: orgID,
            user: user, email: email, role: role, action: action)
        try? services.audit.append(entry)
    }

    // MARK: - Bootstrap

    func bootstrapPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let raw = try context.parameters.require("token")
        guard try accounts.bootstrapTokenIsValid(raw) != nil else {
            throw AppError(.notFound, "bootstrap_used", "This bootstrap link is not valid any more. If the organisation exists, sign in instead.")
        }
        return renderAnonymous("bootstrap", request, ["title": "Set up Logstag", "token": raw, "values": [String: String]()])
    }

    func bootstrap(_ request: Request, context: AppRequestContext) async throws -> Response {
        let raw = try context.parameters.require("token")
        let form = try await RequestBody.form(request)
        try checkAnonymousCSRF(request, form: form)
        let values = ["orgName": form["org_name"] ?? "", "name": form["name"] ?? "", "email": form["email"] ?? ""]
        let started = ContinuousClock.now
        do {
            guard form["password"] == form["password_confirm"] else {
                throw AppError(.unprocessableContent, "password_mismatch", "The two passwords do not match.")
            }
            let (user, org) = try accounts.bootstrap(rawToken: raw, owner: .init(
                organizationName: values["orgName"]!, name: values["name"]!, email: values["email"]!, password: form["password"] ?? ""))
            audit(request, context, status: 303, started: started, orgID: org.id, user: user, role: .owner, action: "bootstrap organisation")
            let (cookie, _) = try accounts.createSession(userID: user.id, orgID: org.id)
            return .redirect("/assets?flash=welcome", cookies: [SessionCookie.set(cookie, secure: secure)])
        } catch let error as AppError where error.status != .notFound {
            return renderAnonymous("bootstrap", request, ["title": "Set up Logstag", "token": raw, "error": error.message, "values": values],
                                   status: error.status)
        }
    }

    // MARK: - Invitations

    func invitePage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let raw = try context.parameters.require("token")
        let (invitation, org) = try accounts.openInvitation(raw)
        let existing = try services.accounts.user(email: invitation.email) != nil
        return renderAnonymous("invite", request, [
            "title": "Join \(org.name)", "token": raw, "orgName": org.name, "email": invitation.email,
            "roleName": invitation.role.displayName, "existingAccount": existing,
        ])
    }

    func acceptInvite(_ request: Request, context: AppRequestContext) async throws -> Response {
        let raw = try context.parameters.require("token")
        let form = try await RequestBody.form(request)
        try checkAnonymousCSRF(request, form: form)
        let started = ContinuousClock.now
        do {
            let (invitation, _) = try accounts.openInvitation(raw)
            let existing = try services.accounts.user(email: invitation.email) != nil
            if !existing && form["password"] != form["password_confirm"] {
                throw AppError(.unprocessableContent, "password_mismatch", "The two passwords do not match.")
            }
            let (user, org) = try accounts.acceptInvitation(raw, name: form["name"] ?? "", password: form["password"] ?? "")
            audit(request, context, status: 303, started: started, orgID: org.id, user: user, role: invitation.role, action: "accept invitation")
            let (cookie, _) = try accounts.createSession(userID: user.id, orgID: org.id)
            return .redirect("/?flash=welcome", cookies: [SessionCookie.set(cookie, secure: secure)])
        } catch let error as AppError where error.status != .notFound {
            let (invitation, org) = try accounts.openInvitation(raw)
            return renderAnonymous("invite", request, [
                "title": "Join \(org.name)", "token": raw, "orgName": org.name, "email": invitation.email,
                "roleName": invitation.role.displayName, "error": error.message,
            ], status: error.status)
        }
    }

    // MARK: - Organisations

    func switchOrg(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let form = try await RequestBody.form(request)
        try accounts.switchOrganization(identity: identity, to: form["org_id"] ?? "")
        return .redirect("/?flash=org_switched")
    }
}
