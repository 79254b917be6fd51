/// One prerequisite checked during a connection test (a grant, an extension, a setting).
///
/// Contract: `name` is a short human-readable label; `detail` explains a non-pass outcome.
public struct PrerequisiteCheck: Codable, Sendable, Equatable {
    public var name: String
    public var status: CheckStatus
    public var detail: String?

    public init(name: String, status: CheckStatus, detail: String? = nil) {
        self.name = name
        self.status = status
        self.detail = detail
    }

    enum CodingKeys: String, CodingKey {
        case name, status, detail
    }
}
