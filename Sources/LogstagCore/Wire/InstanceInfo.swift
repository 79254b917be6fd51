/// What the agent learned about the database instance it collected from.
///
/// Contract: every field is optional; a missing field means "unknown this time" and leaves
/// the previously stored value in place.
public struct InstanceInfo: Codable, Sendable, Equatable {
    public var host: String?
    public var port: Int?
    public var version: String?
    public var platform: String?
    public var databaseName: String?

    public init(host: String? = nil, port: Int? = nil, version: String? = nil, platform: String? = nil, databaseName: String? = nil) {
        self.host = host
        self.port = port
        self.version = version
        self.platform = platform
        self.databaseName = databaseName
    }

    enum CodingKeys: String, CodingKey {
        case host, port, version, platform
        case databaseName = "database_name"
    }
}
