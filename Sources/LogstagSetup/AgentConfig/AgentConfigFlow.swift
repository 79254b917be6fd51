import Foundation
import LogstagAgent
import LogstagCore

/// `--write-agent-config`: adds one database target to the agent configuration on this host,
/// with its password encrypted for this machine, then offers a connection test.
///
/// Contract: asks for the file, the target's name, engine, platform, host, port, user,
/// password (hidden, twice), database and, for PostgreSQL, sslmode; flags pre-fill answers and
/// `LOGSTAG_DB_PASSWORD_FILE` (a file whose first line is the password) replaces the
/// password prompt. Every answer is validated with the rules the agent's loader applies, and
/// the finished file is checked with `AgentConfigLoader.check` before it is written. Nothing
/// is written before the final confirmation; then `AgentConfigCommit` writes everything in one
/// interrupt-proof step. The connection test reads the file back the way the agent does, so
/// it proves the encrypted password decrypts.
struct AgentConfigFlow {
    static let passwordFileVariable = "LOGSTAG_DB_PASSWORD_FILE"

    let prompter: Prompter
    let arguments: SetupArguments
    let environment: [String: String]

    func run() throws(SetupStop) -> Int32 {
        prompter.say("Logstag setup: add a database target to the agent configuration on this host.")
        prompter.say("Press Ctrl-C at any time to cancel; nothing is written until you confirm at the end.")
        prompter.say()
        try checkFlags()
        let file = try openFile()
        prompter.say(file.exists ? "Editing \(file.path) (targets: \(Self.list(file.editor.targetNames)))." : "\(file.path) does not exist yet; it will be created.")

        var agentChanges: [(String, String)] = []
        if file.agentString("api_base_url") == nil {
            let url = try answer(arguments.server ?? environment["LOGSTAG_SERVER"], flag: "--server") { raw throws(AnswerProblem) in
                try TargetAnswerRules.agentServerURL(raw)
            } ask: { () throws(SetupStop) in
                try prompter.ask("Logstag server URL the agent sends to (api_base_url)", parse: TargetAnswerRules.agentServerURL)
            }
            agentChanges.append(("api_base_url", url))
        }
        let stateDirectory = try resolveStateDirectory(file: file, changes: &agentChanges)

        let (draft, password) = try askTarget(existing: file.editor.targetNames)
        var cloudSecret: String?
        if draft.cloud != nil { cloudSecret = try prompter.askSecret("Cloud secret access key") }

        prompter.say()
        prompter.say("New target for \(file.path):")
        for line in draft.summary { prompter.say("  " + line) }
        for (key, value) in agentChanges { prompter.say("  [agent] \(key) = \(value)") }
        prompter.say("  The password is encrypted with \(stateDirectory)/host.key and this machine's identity; it decrypts only here.")
        let plan = AgentConfigCommit(
            file: file, draft: draft, agentChanges: agentChanges, stateDirectory: stateDirectory)
        try plan.validate()
        let writeConfirmed = arguments.assumeYes ? true : try prompter.confirm("Write this target to \(file.path)?", default: true)
        guard writeConfirmed else {
            prompter.say("Nothing was written.")
            return 0
        }
        try plan.write(password: password, cloudSecret: cloudSecret)
        prompter.say("Wrote target \"\(draft.name)\" to \(file.path) (mode 0600).")
        prompter.say("If this host is not enrolled for the target's asset yet, run: sudo logstag --mode agent --enroll --config \(file.path)")
        prompter.say("A running agent reads the new target after a restart: sudo systemctl restart logstag-agent")

        let testConfirmed = arguments.assumeYes ? true : try prompter.confirm("Test the connection to \(draft.host):\(draft.port) now?", default: true)
        guard testConfirmed else { return 0 }
        let target = ConnectionCheck.targetAsAgentReadsIt(path: file.path, name: draft.name, prompter: prompter)
            ?? draft.targetConfig(password: SecretValue(password), cloudSecret: cloudSecret.map(SecretValue.init))
        prompter.say("Testing \(draft.engine.displayName) at \(draft.host):\(draft.port) ...")
        let result = ConnectionCheck.run(target)
        ConnectionTestReport(prompter: prompter).show(result)
        guard result.success else {
            prompter.say()
            prompter.say("The target was written, but the agent cannot use it yet. Fix the issues above, then test again with:")
            prompter.say("    logstag --mode agent --config \(file.path) --test-connection")
            return SetupStop.userError
        }
        return 0
    }

    // MARK: - Questions

    private func openFile() throws(SetupStop) -> AgentConfigFile {
        try answer(arguments.agentConfig, flag: "--agent-config", parse: AgentConfigFile.open) { () throws(SetupStop) in
            try prompter.ask("Agent configuration file", default: AgentConfigFile.defaultPath, parse: AgentConfigFile.open)
        }
    }

    /// The state directory whose host.key encrypts the password: the file's `state_dir`, or
    /// `--state-dir` when the file sets none (then it is added to the file so the agent uses it).
    private func resolveStateDirectory(file: AgentConfigFile, changes: inout [(String, String)]) throws(SetupStop) -> String {
        let configured = file.agentString("state_dir")
        guard let flag = arguments.stateDirectory?.trimmingWhitespace, !flag.isEmpty else {
            return configured ?? AgentSettings.defaultStateDirectory
        }
        if let configured {
            guard configured == flag else {
                throw .user(
                    "--state-dir \(flag) differs from state_dir = \"\(configured)\" in \(file.path); the agent would not find the key that decrypts the password. Leave out --state-dir.")
            }
            return configured
        }
        if flag != AgentSettings.defaultStateDirectory { changes.append(("state_dir", flag)) }
        return flag
    }

    /// The target's answers and its password (asked right after the user name, where people expect it).
    private func askTarget(existing: [String]) throws(SetupStop) -> (TargetDraft, String) {
        let name = try answer(arguments.target, flag: "--target") { raw throws(AnswerProblem) in
            try TargetAnswerRules.targetName(raw, existing: existing)
        } ask: { () throws(SetupStop) in
            prompter.say()
            return try prompter.ask("Target name (snake_case or kebab-case, e.g. orders_db)") { raw throws(AnswerProblem) in
                try TargetAnswerRules.targetName(raw, existing: existing)
            }
        }
        let engineOptions = Engine.allCases.map { engine in
            MenuOption(
                engine, label: engine.displayName, key: engine.rawValue,
                note: SetupMenus.enginesWithCollectors.contains(engine) ? nil : "not in this agent build",
                refusal: SetupMenus.enginesWithCollectors.contains(engine)
                    ? nil : "This agent build collects from PostgreSQL, Redis and Valkey only; \(engine.displayName) follows in a later release.")
        }
        let engine = try menuAnswer(arguments.engine, flag: "--engine", "Database engine:", engineOptions)
        let platform = try menuAnswer(arguments.hosting, flag: "--hosting", "Where does the database run?", SetupMenus.hostings)
        let host = try answer(arguments.databaseHost, flag: "--db-host", parse: TargetAnswerRules.host) { () throws(SetupStop) in
            try prompter.ask("Database host", default: "127.0.0.1", parse: TargetAnswerRules.host)
        }
        let port = try answer(arguments.databasePort, flag: "--db-port", parse: TargetAnswerRules.port) { () throws(SetupStop) in
            try prompter.ask("Port", default: String(engine.defaultPort), parse: TargetAnswerRules.port)
        }
        let username = try answer(arguments.databaseUsername, flag: "--db-username") { raw throws(AnswerProblem) in
            try TargetAnswerRules.username(raw, engine: engine)
        } ask: { () throws(SetupStop) in
            let question = engine == .postgresql ? "User name (a monitoring role, e.g. logstag_monitor)" : "User name (Enter for the default user)"
            return try prompter.ask(question, default: nil) { raw throws(AnswerProblem) in try TargetAnswerRules.username(raw, engine: engine) }
        }
        let password = try askPassword(engine: engine)
        let databaseName = try answer(arguments.databaseName, flag: "--db-name") { raw throws(AnswerProblem) in
            try TargetAnswerRules.databaseName(raw, engine: engine)
        } ask: { () throws(SetupStop) in
            let (question, defaultValue) = engine == .postgresql ? ("Database name", "postgres") : ("Database number (0-15)", "0")
            return try prompter.ask(question, default: defaultValue) { raw throws(AnswerProblem) in try TargetAnswerRules.databaseName(raw, engine: engine) }
        }
        var draft = TargetDraft(
            name: name, engine: engine, platform: platform, host: host, port: port, username: username, databaseName: databaseName)
        if engine == .postgresql {
            draft.sslMode = try menuAnswer(arguments.sslMode, flag: "--sslmode", "TLS to the database (libpq sslmode):", SetupMenus.sslModeOptions, defaultKey: "prefer")
            if draft.sslMode == "verify-ca" || draft.sslMode == "verify-full" {
                let path = try prompter.ask("CA certificate that signed the database's certificate (PEM file; Enter for the system store)", default: nil) { raw throws(AnswerProblem) -> String in
                    guard !raw.isEmpty else { return "" }
                    guard FileManager.default.isReadableFile(atPath: raw) else { throw AnswerProblem("\(raw) cannot be read; give the path of a PEM file.") }
                    return raw
                }
                draft.sslRootCert = path.isEmpty ? nil : path
            }
        } else if arguments.sslMode != nil {
            throw .user("--sslmode applies to PostgreSQL only; \(engine.displayName) targets connect without TLS in this build.")
        }
        if platform != .selfHosted { draft.cloud = try askCloud(platform) }
        return (draft, password)
    }

    private func askCloud(_ platform: Hosting) throws(SetupStop) -> TargetDraft.Cloud {
        prompter.say("\(platform.displayName) monitoring also reads the provider's metrics API with an access key:")
        let region = try prompter.ask("Region (e.g. eu-west-1)") { raw throws(AnswerProblem) in try TargetAnswerRules.singleLine(raw, what: "region") }
        let instance = try prompter.ask("Instance id") { raw throws(AnswerProblem) in try TargetAnswerRules.singleLine(raw, what: "instance id") }
        let accessKey = try prompter.ask("Access key id") { raw throws(AnswerProblem) in try TargetAnswerRules.singleLine(raw, what: "access key id") }
        var project: String?
        if platform == .huaweiRDS {
            project = try prompter.ask("Project id") { raw throws(AnswerProblem) in try TargetAnswerRules.singleLine(raw, what: "project id") }
        }
        return TargetDraft.Cloud(region: region, instanceID: instance, accessKey: accessKey, projectID: project)
    }

    private func askPassword(engine: Engine) throws(SetupStop) -> String {
        if let path = environment[Self.passwordFileVariable], !path.isEmpty {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw .user("\(Self.passwordFileVariable) names \(path), which cannot be read; check the path and that this user may read it.")
            }
            let password = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
            if password.isEmpty && engine == .postgresql {
                throw .user("The file in \(Self.passwordFileVariable) is empty; PostgreSQL needs the monitoring role's password.")
            }
            prompter.say("Using the database password from the file in \(Self.passwordFileVariable).")
            return password
        }
        let redisLike = engine != .postgresql
        return try prompter.askNewSecret(redisLike ? "Password (Enter for none)" : "Password", allowEmpty: redisLike)
    }

    // MARK: - Flags or prompt

    /// Checks every answer given as a flag before the first question, so a script with a
    /// wrong flag stops at once (exit 1, naming the flag) instead of half-way.
    private func checkFlags() throws(SetupStop) {
        func check<T>(_ value: String?, _ flag: String, _ rule: (String) throws(AnswerProblem) -> T) throws(SetupStop) {
            guard let value else { return }
            do { _ = try rule(value) } catch { throw .user("\(flag): \(error.message)") }
        }
        var engine: Engine?
        if let raw = arguments.engine {
            engine = try SetupMenus.flagValue(raw, flag: "--engine", in: SetupMenus.engines)
            if let engine, !SetupMenus.enginesWithCollectors.contains(engine) {
                throw .user("--engine: this agent build collects from PostgreSQL, Redis and Valkey only; \(engine.displayName) follows in a later release.")
            }
        }
        if let raw = arguments.hosting { _ = try SetupMenus.flagValue(raw, flag: "--hosting", in: SetupMenus.hostings) }
        if let raw = arguments.sslMode { _ = try SetupMenus.flagValue(raw, flag: "--sslmode", in: SetupMenus.sslModeOptions) }
        try check(arguments.target, "--target") { raw throws(AnswerProblem) in try TargetAnswerRules.targetName(raw, existing: []) }
        try check(arguments.databaseHost, "--db-host", TargetAnswerRules.host)
        try check(arguments.databasePort, "--db-port", TargetAnswerRules.port)
        if let engine {
            try check(arguments.databaseUsername, "--db-username") { raw throws(AnswerProblem) in try TargetAnswerRules.username(raw, engine: engine) }
            try check(arguments.databaseName, "--db-name") { raw throws(AnswerProblem) in try TargetAnswerRules.databaseName(raw, engine: engine) }
        }
    }

    /// A flag's value when given and valid; a flag with a wrong value is a user error naming it
    /// (a script should not silently fall into a prompt). Without the flag, `ask`.
    private func answer<T>(
        _ flagValue: String?, flag: String, parse: (String) throws(AnswerProblem) -> T, ask: () throws(SetupStop) -> T
    ) throws(SetupStop) -> T {
        guard let flagValue else { return try ask() }
        do { return try parse(flagValue) } catch { throw .user("\(flag): \(error.message)") }
    }

    private func menuAnswer<T>(
        _ flagValue: String?, flag: String, _ title: String, _ options: [MenuOption<T>], defaultKey: String? = nil
    ) throws(SetupStop) -> T {
        if let flagValue { return try SetupMenus.flagValue(flagValue, flag: flag, in: options) }
        prompter.say()
        let defaultIndex = defaultKey.flatMap { key in options.firstIndex { $0.key == key } } ?? 0
        return try prompter.choose(title, options, default: defaultIndex)
    }

    static func list(_ names: [String]) -> String {
        names.isEmpty ? "none yet" : names.joined(separator: ", ")
    }
}
