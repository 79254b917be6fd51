import LogstagCore
import Testing

@testable import LogstagSetup

@Suite("Prompter: every wrong answer is explained and asked again")
struct PrompterTests {
    @Test("A menu refuses non-numbers, out-of-range numbers and planned options, then accepts a valid one")
    func menuReasks() throws {
        let terminal = ScriptedTerminal(["abc", "0", "9", "4", "azure", "2"])
        let hosting = try Prompter(terminal: terminal).choose("Where?", SetupMenus.hostings, default: 0)
        #expect(hosting == .awsRDS)
        #expect(terminal.output.contains("\"abc\" is not a number; type a number from 1 to 5."))
        #expect(terminal.output.contains("0 is not in the list; type a number from 1 to 5."))
        #expect(terminal.output.contains("9 is not in the list"))
        #expect(terminal.output.contains("Microsoft Azure hosting is planned but not available yet"))
        #expect(terminal.output.contains("Google Cloud  (planned)"))
        #expect(terminal.linePrompts.count == 6)
    }

    @Test("An empty answer takes the default; a key is accepted instead of the number")
    func menuDefaultAndKey() throws {
        let prompter = Prompter(terminal: ScriptedTerminal(["", "Valkey"]))
        #expect(try prompter.choose("Engine", SetupMenus.engines, default: 0) == .postgresql)
        #expect(try prompter.choose("Engine", SetupMenus.engines, default: 0) == .valkey)
    }

    @Test("The engine menu marks the three engines with collectors")
    func engineMenuNotes() throws {
        let terminal = ScriptedTerminal(["1"])
        _ = try Prompter(terminal: terminal).choose("Engine", SetupMenus.engines)
        for engine in [Engine.postgresql, .redis, .valkey] {
            #expect(terminal.output.contains("\(engine.displayName)  (collectors ready)"))
        }
        #expect(!terminal.output.contains("Oracle  (collectors ready)"))
    }

    @Test("The bridged connection type is listed but refused")
    func bridgedRefused() throws {
        let terminal = ScriptedTerminal(["2", "1"])
        #expect(try Prompter(terminal: terminal).choose("Connection", SetupMenus.connections) == .direct)
        #expect(terminal.output.contains("The bridged connection type is not available yet; choose Direct."))
    }

    @Test("End of input stops with exit code 1 instead of looping or crashing")
    func endOfInput() {
        let prompter = Prompter(terminal: ScriptedTerminal(["nonsense"]))
        #expect(throws: SetupStop.endOfInput) { try prompter.choose("Engine", SetupMenus.engines) }
        #expect(SetupStop.endOfInput.exitCode == 1)
    }

    @Test("confirm accepts y/yes/n/no and the default, and re-asks anything else")
    func confirm() throws {
        let terminal = ScriptedTerminal(["maybe", "YES", "", "n"])
        let prompter = Prompter(terminal: terminal)
        #expect(try prompter.confirm("Go?", default: false) == true)
        #expect(try prompter.confirm("Go?", default: true) == true)
        #expect(try prompter.confirm("Go?", default: true) == false)
        #expect(terminal.output.contains("Answer y (yes) or n (no)."))
    }

    @Test("A new secret is read without echo, twice, until both entries match")
    func newSecretTwice() throws {
        let terminal = ScriptedTerminal(["first-try", "typo", "s3cret-pass", "s3cret-pass"])
        let secret = try Prompter(terminal: terminal).askNewSecret("Password", allowEmpty: false)
        #expect(secret == "s3cret-pass")
        #expect(terminal.secretPrompts.count == 4)
        #expect(terminal.output.contains("The two entries do not match"))
        #expect(!terminal.output.contains("s3cret-pass") && !terminal.output.contains("first-try"))
    }

    @Test("An empty secret is refused unless allowed")
    func emptySecret() throws {
        let terminal = ScriptedTerminal(["", "x"])
        #expect(try Prompter(terminal: terminal).askSecret("Key") == "x")
        #expect(terminal.output.contains("Nothing was typed"))
        #expect(try Prompter(terminal: ScriptedTerminal([""])).askSecret("Key", allowEmpty: true) == "")
    }
}
