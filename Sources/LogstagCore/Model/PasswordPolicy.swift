/// The rules for a user's password.
///
/// Contract: a password is accepted when it has at least `minLength` characters and at most
/// `maxBytes` UTF-8 bytes (a cap that keeps hashing cheap to call) and is not only whitespace;
/// otherwise `validate` throws `invalid_password`. The password itself never appears in the
/// error.
public enum PasswordPolicy {
    /// The shortest accepted password, in characters.
    public static let minLength = 12
    /// The longest accepted password, in UTF-8 bytes.
    public static let maxBytes = 1024

    /// Returns when the password is acceptable; throws `invalid_password` otherwise.
    public static func validate(_ password: String) throws(ValidationError) {
        guard password.count >= minLength else {
            throw ValidationError(
                code: "invalid_password", field: "password", message: "The password must be at least \(minLength) characters long.")
        }
        guard password.utf8.count <= maxBytes else {
            throw ValidationError(
                code: "invalid_password", field: "password", message: "The password must be at most \(maxBytes) bytes long.")
        }
        guard password.contains(where: { !$0.isWhitespace }) else {
            throw ValidationError(
                code: "invalid_password", field: "password", message: "The password must not consist only of spaces.")
        }
    }
}
