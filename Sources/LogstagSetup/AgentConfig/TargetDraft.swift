import LogstagAgent
import LogstagCore

/// The answers describing one new `[targets.<name>]`, before the secrets are encrypted.
///
/// Contract: every field already passed `TargetAnswerRules`; `entries(password:cloudSecret:)`
/// renders the table's keys in the order the reference documents them, with the secrets as
/// given (the caller passes encrypted `enc:v1:` values). `summary` never shows a secret.
struct TargetDraft: Sendable, Equatable {
    struct Cloud: Sendable, Equatable {
        var region: String
        var instanceID: String
        var accessKey: String
        var projectID: String?
    }

    var name: String
    var engine: Engine
    var platform: Hosting
    var host: String
    var port: Int
    var username: String
    var databaseName: String
    var sslMode: String?
    var sslRootCert: String?
    var cloud: Cloud?

    func entries(password: String, cloudSecret: String?) -> [(String, TOMLValue)] {
        var entries: [(String, TOMLValue)] = [
            ("platform", .string(platform.rawValue)), ("db_engine", .string(engine.rawValue)), ("db_host", .string(host)),
            ("db_port", .integer(Int64(port))), ("db_username", .string(username)), ("db_password", .string(password)),
            ("db_name", .string(databaseName)),
        ]
        if let sslMode { entries.append(("db_sslmode", .string(sslMode))) }
        if let sslRootCert { entries.append(("db_sslrootcert", .string(sslRootCert))) }
        if let cloud {
            entries += [
                ("cloud_region", .string(cloud.region)), ("cloud_instance_id", .string(cloud.instanceID)),
                ("cloud_access_key", .string(cloud.accessKey)), ("cloud_secret_key", .string(cloudSecret ?? "")),
            ]
            if let projectID = cloud.projectID { entries.append(("cloud_project_id", .string(projectID))) }
        }
        return entries
    }

    /// The target as the agent would load it, for a connection test before it is enrolled.
    func targetConfig(password: SecretValue, cloudSecret: SecretValue?) -> TargetConfig {
        let credentials = cloud.map { cloud in
            CloudCredentials(
                region: cloud.region, instanceID: cloud.instanceID, accessKey: cloud.accessKey, secretKey: cloudSecret ?? SecretValue(""),
                projectID: cloud.projectID)
        }
        return TargetConfig(
            name: name, platform: platform.rawValue, engine: engine, host: host, port: port, username: username, password: password,
            databaseName: databaseName, sslMode: sslMode, sslRootCert: sslRootCert, cloud: credentials)
    }

    var summary: [String] {
        var lines = [
            "target      \(name)", "engine      \(engine.displayName)", "platform    \(platform.displayName)",
            "server      \(host):\(port)", "user        \(username.isEmpty ? "(default user)" : username)",
            "database    \(databaseName)", "password    (encrypted for this machine)",
        ]
        if let sslMode { lines.append("sslmode     \(sslMode)" + (sslRootCert.map { ", CA \($0)" } ?? "")) }
        if let cloud {
            lines.append("cloud       \(cloud.region), instance \(cloud.instanceID)" + (cloud.projectID.map { ", project \($0)" } ?? ""))
        }
        return lines
    }
}
