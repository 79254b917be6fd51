/// The JSON body of every error answer on `/api/v1`: `{"code": "...", "message": "..."}`.
///
/// Contract: `code` is a stable snake_case identifier for programs; `message` is a full
/// sentence for people and never contains a secret.
public struct APIErrorBody: Codable, Sendable, Equatable {
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    enum CodingKeys: String, CodingKey {
        case code, message
    }
}
