import LogstagCore
import Testing

@testable import LogstagSetup

@Suite("Non-interactive flags: every mistake names its flag and exits 1 before anything is sent")
struct FlagTests {
    let environment = ["LOGSTAG_API_KEY": TokenFormat.generate(.apiKey).raw, "LOGSTAG_SERVER": "https://logstag.example.com"]

    func failure(_ arguments: SetupArguments, environment: [String: String]? = nil) -> SetupStop? {
        do {
            _ = try InstallCommandAutomation.plan(arguments: arguments, environment: environment ?? self.environment)
            return nil
        } catch {
            return error
        }
    }

    @Test("A complete --create-asset plan uses the LogstagCore values and the wizard defaults")
    func completePlan() throws {
        let plan = try InstallCommandAutomation.plan(
            arguments: SetupArguments(createAsset: true, engine: "Redis", assetName: "  cache one ", environment: "uat", os: "windows"),
            environment: environment)
        let new = try #require(plan.newAsset)
        #expect(new.engine == .redis && new.name == "cache one" && new.environment == .uat && new.ownerEmail == nil)
        #expect(plan.choice == SetupChoice(hosting: .selfHosted, os: .windows, connection: .direct))
        #expect(plan.server.text == "https://logstag.example.com")
    }

    @Test("Wrong or missing flags are named in the message")
    func namedFlags() {
        let cases: [(SetupArguments, String)] = [
            (SetupArguments(), "--asset ID"),
            (SetupArguments(assetID: "x", createAsset: true), "not both"),
            (SetupArguments(createAsset: true, assetName: "orders"), "--engine"),
            (SetupArguments(createAsset: true, engine: "db2", assetName: "orders"), "--engine"),
            (SetupArguments(createAsset: true, engine: "postgresql"), "--asset-name"),
            (SetupArguments(createAsset: true, engine: "postgresql", assetName: "ab"), "--asset-name"),
            (SetupArguments(createAsset: true, engine: "postgresql", assetName: "orders", environment: "prod"), "--environment"),
            (SetupArguments(createAsset: true, engine: "postgresql", assetName: "orders", owner: "not-an-email"), "--owner"),
            (SetupArguments(assetID: "x", engine: "postgresql"), "--engine only applies with --create-asset"),
            (SetupArguments(assetID: "x", hosting: "gcp"), "--hosting"),
            (SetupArguments(assetID: "x", connection: "bridged"), "--connection"),
            (SetupArguments(assetID: "x", os: "macos"), "--os"),
            (SetupArguments(server: "logstag.example.com", assetID: "x"), "--server"),
        ]
        for (arguments, expected) in cases {
            let stop = failure(arguments)
            #expect(stop?.exitCode == 1, "\(expected)")
            #expect(stop?.message.contains(expected) == true, "\(stop?.message ?? "accepted") should mention \(expected)")
        }
    }

    @Test("Without a key in the environment it refuses, saying keys are never taken from the command line")
    func keyRequired() {
        let stop = failure(SetupArguments(assetID: "x"), environment: ["LOGSTAG_SERVER": "https://logstag.example.com"])
        #expect(stop?.message.contains("LOGSTAG_API_KEY_FILE") == true)
        #expect(stop?.message.contains("never taken from the command line") == true)
    }

    @Test("Flags of one flow are refused in the other")
    func flowSpecificFlags() {
        #expect(throws: SetupStop.self) { try SetupMode.checkFlagCombination(SetupArguments(target: "x")) }
        #expect(throws: SetupStop.self) { try SetupMode.checkFlagCombination(SetupArguments(showToken: true)) }
        #expect(throws: SetupStop.self) { try SetupMode.checkFlagCombination(SetupArguments(assetID: "x", writeAgentConfig: true)) }
        #expect(throws: Never.self) { try SetupMode.checkFlagCombination(SetupArguments(engine: "redis", writeAgentConfig: true)) }
    }
}
