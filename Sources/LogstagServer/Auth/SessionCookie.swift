import Foundation
import Hummingbird

/// The session and pre-login CSRF cookies. HttpOnly, SameSite=Lax, Path=/; under TLS also Secure
/// with the `__Host-` prefix (which forbids a Domain attribute).
enum SessionCookie {
    static let idleTimeout: TimeInterval = 2 * 3600
    static let absoluteLifetime: TimeInterval = 12 * 3600

    static func name(secure: Bool) -> String { secure ? "__Host-logstag_session" : "logstag_session" }
    static func csrfName(secure: Bool) -> String { secure ? "__Host-logstag_csrf" : "logstag_csrf" }

    static func value(in request: Request, secure: Bool) -> String? { request.cookies[name(secure: secure)]?.value }

    static func header(_ name: String, value: String, secure: Bool, maxAge: Int?) -> String {
        var parts = ["\(name)=\(value)", "Path=/", "HttpOnly", "SameSite=Lax"]
        if secure { parts.append("Secure") }
        if let maxAge { parts.append("Max-Age=\(maxAge)") }
        return parts.joined(separator: "; ")
    }

    static func set(_ token: String, secure: Bool) -> String {
        header(name(secure: secure), value: token, secure: secure, maxAge: Int(absoluteLifetime))
    }

    static func clear(secure: Bool) -> String { header(name(secure: secure), value: "", secure: secure, maxAge: 0) }
}

/// A parsed `application/x-www-form-urlencoded` body.
struct FormBody {
    private(set) var fields: [String: String] = [:]

    init(_ text: String) {
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = Self.decode(parts[0])
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            if fields[key] == nil { fields[key] = value }
        }
    }

    subscript(_ key: String) -> String? { fields[key] }

    static func decode(_ part: Substring) -> String {
        String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(part)
    }
}
