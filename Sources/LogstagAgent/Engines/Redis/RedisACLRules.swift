/// Reads an ACL command rule string (`-@all +info +client|list`) to tell whether it lets a
/// user run dangerous commands.
///
/// Contract: best effort and conservative, without asking the server. For each dangerous
/// command of the manifest (name or `name|subcommand`, with its ACL categories) the rules are
/// read left to right and the last one that matches decides: `+@all`/`allcommands` and
/// `-@all`/`nocommands` match everything, `±@category` matches when the command is in that
/// category, `±name` and `±name|subcommand` match by name (a parent grants its subcommands).
/// A command is allowed when the root rules or any selector's rules allow it. Returns the
/// allowed dangerous commands, sorted.
enum RedisACLRules {
    static func dangerousCommands(ruleSets: [String], dangerous: [String: Set<String>]) -> [String] {
        dangerous.keys.filter { command in
            ruleSets.contains { rules in allows(rules, command: command, categories: dangerous[command] ?? []) }
        }.sorted()
    }

    static func allows(_ rules: String, command: String, categories: Set<String>) -> Bool {
        let parent = command.split(separator: "|").first.map(String.init) ?? command
        var allowed = false
        for token in rules.split(separator: " ").map({ $0.lowercased() }) {
            switch token {
            case "+@all", "allcommands": allowed = true
            case "-@all", "nocommands": allowed = false
            default:
                guard let sign = token.first, sign == "+" || sign == "-" else { continue }
                let name = token.dropFirst()
                let matches: Bool
                if name.hasPrefix("@") {
                    matches = categories.contains(String(name.dropFirst()))
                } else {
                    matches = name == command || name == parent
                }
                if matches { allowed = sign == "+" }
            }
        }
        return allowed
    }
}
