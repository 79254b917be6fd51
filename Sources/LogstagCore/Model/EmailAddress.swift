import Foundation

/// The rules for an e-mail address used as a login.
///
/// Contract: `validate` trims and lowercases the address and returns it when it has the shape
/// `local@domain.tld` (one `@`, no spaces or control characters, a dot inside the domain, at
/// most 254 bytes); otherwise it throws `invalid_email`. It does not prove the mailbox exists.
public enum EmailAddress {
    /// The longest accepted address, in bytes (RFC 5321 path limit).
    public static let maxLength = 254

    /// The normalised address, or a `ValidationError` with code `invalid_email`.
    public static func validate(_ raw: String) throws(ValidationError) -> String {
        let email = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let invalid = ValidationError(
            code: "invalid_email", field: "email", message: "The e-mail address must look like name@example.com.")
        guard !email.isEmpty else {
            throw ValidationError(code: "invalid_email", field: "email", message: "An e-mail address is required.")
        }
        guard email.utf8.count <= maxLength else {
            throw ValidationError(
                code: "invalid_email", field: "email", message: "The e-mail address must be at most \(maxLength) characters long.")
        }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw invalid }
        let local = parts[0], domain = parts[1]
        guard !local.isEmpty, local.utf8.count <= 64 else { throw invalid }
        let forbidden: Set<Character> = [" ", "\"", "(", ")", ",", ":", ";", "<", ">", "[", "\\", "]"]
        for scalar in email.unicodeScalars {
            if scalar.properties.generalCategory == .control || scalar.properties.isWhitespace { throw invalid }
        }
        guard !email.contains(where: { forbidden.contains($0) }) else { throw invalid }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty && !$0.hasPrefix("-") && !$0.hasSuffix("-") }) else {
            throw invalid
        }
        guard !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..") else { throw invalid }
        return email
    }
}
