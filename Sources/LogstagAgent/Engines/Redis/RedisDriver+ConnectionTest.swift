import LogstagCore

/// The connection test of step 3 of the asset wizard, for Redis and Valkey.
///
/// Contract: never throws. Checks, in order: reachable, authenticated (and, when SELECT of
/// `db_name` fails, "Database selected"),
/// engine matches `db_engine` (warn when Redis is configured but Valkey answers, or the other
/// way round), version at or above the floor (Redis 7.0, Valkey 8.0; fail below), one check
/// per ACL probe of the manifest (a `NOPERM` reply is the only proof of a missing rule:
/// required ones fail, recommended ones warn) and whether the user can run dangerous
/// commands (warn; unknown when the agent cannot read its own ACL). Missing rules are listed
/// in a single `ACL SETUSER <user> +a +b ...` fix suggestion. `success` is true once the
/// agent connected and logged in.
extension RedisDriver {
    public func connectionTest() -> ConnectionTestResult {
        var checks: [PrerequisiteCheck] = []
        var issues: [String] = []
        var fixes: [String] = []
        func result(success: Bool) -> ConnectionTestResult {
            ConnectionTestResult(
                success: success, targetDatabase: target.databaseName, engine: target.engine, host: target.host, port: target.port,
                agentVersion: agentVersion, serverVersion: identity?.version, checks: checks, configurationIssues: issues,
                fixSuggestions: fixes)
        }

        do {
            try connect()
        } catch {
            switch error.reason {
            case .unreachable, .timeout:
                checks.append(PrerequisiteCheck(name: "Reachable", status: .fail, detail: error.message))
                checks.append(PrerequisiteCheck(name: "Authenticated", status: .unknown, detail: "Not tried: the server could not be reached."))
                fixes.append("Check db_host and db_port of target \"\(target.name)\" and that the agent host can open a TCP connection to \(address).")
            case .auth:
                checks.append(PrerequisiteCheck(name: "Reachable", status: .pass))
                checks.append(PrerequisiteCheck(name: "Authenticated", status: .fail, detail: error.message))
                fixes.append(
                    target.username.isEmpty
                        ? "Set db_password to the server's requirepass, or set db_username to an ACL user made for monitoring."
                        : "Check the password of ACL user \"\(target.username)\" (ACL SETUSER \(target.username) on >new-password) and db_password.")
            case .permission, .error:
                // The login worked; SELECT of db_name did not.
                checks.append(PrerequisiteCheck(name: "Reachable", status: .pass))
                checks.append(PrerequisiteCheck(name: "Authenticated", status: .pass))
                checks.append(PrerequisiteCheck(name: "Database selected", status: .fail, detail: error.message))
                fixes.append("Set db_name of target \"\(target.name)\" to a database number the server has and the user may SELECT.")
            }
            issues.append(error.message)
            return result(success: false)
        }

        checks.append(PrerequisiteCheck(name: "Reachable", status: .pass, detail: "Connected to \(address)."))
        checks.append(
            PrerequisiteCheck(name: "Authenticated", status: .pass, detail: "Logged in as \(userDescription), database \(target.databaseName)."))
        checks.append(engineCheck(issues: &issues))
        checks.append(versionCheck(issues: &issues, fixes: &fixes))

        var missing: [String] = []
        var connectionLost = false
        let probes = catalog.requiredProbes.map { ($0, true) } + catalog.recommendedProbes.map { ($0, false) }
        for (probe, isRequired) in probes {
            let name = "ACL +\(probe.rule)"
            guard !connectionLost else {
                checks.append(PrerequisiteCheck(name: name, status: .unknown, detail: "Not checked: the connection was lost."))
                continue
            }
            let reply: RedisReply
            do {
                reply = try send(probe.command(user: aclUser), timeout: Self.commandTimeout)
            } catch {
                connectionLost = true
                let failure = connectionFailure(error, step: "checking ACL permissions")
                issues.append(failure.message)
                checks.append(PrerequisiteCheck(name: name, status: .unknown, detail: failure.message))
                continue
            }
            checks.append(probeCheck(name: name, probe: probe, reply: reply, isRequired: isRequired, missing: &missing))
        }
        if !missing.isEmpty {
            let rules = missing.map { "+" + $0 }.joined(separator: " ")
            fixes.append("ACL SETUSER \(aclUser) \(rules)")
            let affected = signalNames(needing: Set(missing))
            issues.append(
                "\(userSubject) lacks the ACL rules \(rules)"
                    + (affected.isEmpty ? "." : "; these signals will be unavailable: \(affected.joined(separator: ", ")).")
            )
        }
        if !connectionLost {
            checks.append(dangerousCommandsCheck(issues: &issues, fixes: &fixes))
        }
        return result(success: true)
    }

    // MARK: - Checks

    private func engineCheck(issues: inout [String]) -> PrerequisiteCheck {
        let name = "Engine matches configuration"
        guard let identity else {
            return PrerequisiteCheck(name: name, status: .unknown, detail: "INFO server was refused, so the product is unknown; grant +info.")
        }
        guard identity.engine == target.engine else {
            let detail =
                "Target \"\(target.name)\" is configured as \(target.engine.displayName) (db_engine = \"\(target.engine.rawValue)\"), "
                + "but the server is \(identity.engine.displayName) \(identity.version). Set db_engine = \"\(identity.engine.rawValue)\"."
            issues.append(detail)
            return PrerequisiteCheck(name: name, status: .warn, detail: detail)
        }
        return PrerequisiteCheck(name: name, status: .pass, detail: "\(identity.engine.displayName) \(identity.version).")
    }

    private func versionCheck(issues: inout [String], fixes: inout [String]) -> PrerequisiteCheck {
        let name = "Supported version"
        guard let identity, let supported = identity.isSupported else {
            return PrerequisiteCheck(name: name, status: .unknown, detail: "The server version could not be read.")
        }
        let floor = "\(identity.minimumVersion.major).\(identity.minimumVersion.minor)"
        guard supported else {
            let detail = "\(identity.engine.displayName) \(identity.version) is older than the supported \(floor); some signals will be missing."
            issues.append(detail)
            fixes.append("Upgrade \(identity.engine.displayName) to \(floor) or later.")
            return PrerequisiteCheck(name: name, status: .fail, detail: detail)
        }
        return PrerequisiteCheck(name: name, status: .pass, detail: "\(identity.version) is at or above \(floor).")
    }

    private func probeCheck(
        name: String, probe: RedisACLProbe, reply: RedisReply, isRequired: Bool, missing: inout [String]
    ) -> PrerequisiteCheck {
        guard let error = reply.errorMessage else { return PrerequisiteCheck(name: name, status: .pass) }
        switch RedisErrorReply(error) {
        case .permission:
            missing.append(probe.rule)
            return PrerequisiteCheck(
                name: name, status: isRequired ? .fail : .warn,
                detail: "\(userSubject) may not run \(RedisCommandPolicy.displayName(of: probe.command)).")
        case .unsupported:
            return PrerequisiteCheck(
                name: name, status: .warn,
                detail: "The server does not know \(RedisCommandPolicy.displayName(of: probe.command)) (renamed or too old).")
        case .authentication, .other:
            // Any answer other than NOPERM means the ACL let the command through.
            return PrerequisiteCheck(name: name, status: .pass)
        }
    }

    /// Reads the user's own rules with ACL GETUSER; without that, asks ACL DRYRUN about FLUSHALL.
    private func dangerousCommandsCheck(issues: inout [String], fixes: inout [String]) -> PrerequisiteCheck {
        let name = "No dangerous commands"
        guard let aclSignal = catalog.signals.first(where: { $0.parser == .acl && !$0.dangerousCommands.isEmpty }) else {
            return PrerequisiteCheck(name: name, status: .unknown, detail: "The manifest lists no dangerous commands to check.")
        }
        let dangerous: [String]
        if let reply = try? send(["ACL", "GETUSER", aclUser], timeout: Self.commandTimeout), let properties = RedisReplyRows.aclProperties(reply) {
            dangerous = RedisACLRules.dangerousCommands(ruleSets: RedisReplyRows.aclRuleSets(properties), dangerous: aclSignal.dangerousCommands)
        } else if isConnected, let reply = try? send(["ACL", "DRYRUN", aclUser, "FLUSHALL"], timeout: Self.commandTimeout),
            reply.errorMessage == nil, let answer = reply.text
        {
            guard answer == "OK" else {
                return PrerequisiteCheck(
                    name: name, status: .unknown,
                    detail: "FLUSHALL is denied, but the other dangerous commands could not be checked; grant +acl|getuser to let the agent read its own rules.")
            }
            dangerous = ["flushall"]
        } else {
            return PrerequisiteCheck(
                name: name, status: .unknown,
                detail: "\(userSubject) may not read its own ACL (ACL GETUSER), so the agent cannot tell; grant +acl|getuser to check.")
        }
        guard dangerous.isEmpty else {
            let detail =
                "\(userSubject) may run dangerous commands (\(dangerous.joined(separator: ", "))). A monitoring user needs only read-only commands."
            issues.append(detail)
            fixes.append(
                "Use a dedicated monitoring user: ACL SETUSER logstag_monitor on >strong-password ~* &* -@all +ping +select +info +dbsize +role "
                    + "+client|list +memory|stats +slowlog|get +slowlog|len +latency|latest +config|get +acl|users +acl|getuser")
            return PrerequisiteCheck(name: name, status: .warn, detail: detail)
        }
        return PrerequisiteCheck(name: name, status: .pass, detail: "The user's ACL grants none of the dangerous commands the agent checks.")
    }

    /// The signals whose command (or per-user command) needs one of `rules`.
    private func signalNames(needing rules: Set<String>) -> [String] {
        catalog.signals.filter { signal in
            rules.contains(RedisCommandPolicy.aclName(of: signal.command))
                || (!signal.perUserCommand.isEmpty && rules.contains(RedisCommandPolicy.aclName(of: signal.perUserCommand)))
        }.map(\.name)
    }
}
