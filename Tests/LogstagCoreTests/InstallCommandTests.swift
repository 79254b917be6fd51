import Testing
import LogstagCore

struct InstallCommandTests {
    static let server = "https://logstag.example.com"
    static let asset = "ast_7Hq2mK9pLx3V"

    static let linuxGolden: [Hosting: String] = [
        .selfHosted: "curl -fsSL https://logstag.example.com/install.sh | sudo LOGSTAG_SERVER=https://logstag.example.com LOGSTAG_ASSET=ast_7Hq2mK9pLx3V LOGSTAG_PLATFORM=self-hosted sh -s -- agent",
        .awsRDS: "curl -fsSL https://logstag.example.com/install.sh | sudo LOGSTAG_SERVER=https://logstag.example.com LOGSTAG_ASSET=ast_7Hq2mK9pLx3V LOGSTAG_PLATFORM=aws-rds sh -s -- agent",
        .huaweiRDS: "curl -fsSL https://logstag.example.com/install.sh | sudo LOGSTAG_SERVER=https://logstag.example.com LOGSTAG_ASSET=ast_7Hq2mK9pLx3V LOGSTAG_PLATFORM=huawei-rds sh -s -- agent",
    ]

    static let windowsGolden: [Hosting: String] = [
        .selfHosted: #"Invoke-WebRequest -UseBasicParsing https://logstag.example.com/install.ps1 -OutFile $env:TEMP\logstag-install.ps1; & $env:TEMP\logstag-install.ps1 -Server https://logstag.example.com -Asset ast_7Hq2mK9pLx3V -Platform self-hosted"#,
        .awsRDS: #"Invoke-WebRequest -UseBasicParsing https://logstag.example.com/install.ps1 -OutFile $env:TEMP\logstag-install.ps1; & $env:TEMP\logstag-install.ps1 -Server https://logstag.example.com -Asset ast_7Hq2mK9pLx3V -Platform aws-rds"#,
        .huaweiRDS: #"Invoke-WebRequest -UseBasicParsing https://logstag.example.com/install.ps1 -OutFile $env:TEMP\logstag-install.ps1; & $env:TEMP\logstag-install.ps1 -Server https://logstag.example.com -Asset ast_7Hq2mK9pLx3V -Platform huawei-rds"#,
    ]

    @Test(arguments: Hosting.allCases, OperatingSystem.allCases)
    func everyCombination(hosting: Hosting, os: OperatingSystem) throws {
        for connection in ConnectionType.allCases {
            let make = { () throws(ValidationError) -> String in
                try InstallCommand.make(
                    serverURL: Self.server, hosting: hosting, os: os, connection: connection, assetID: Self.asset, engine: .postgresql)
            }
            if hosting.isAvailable && connection.isAvailable {
                let golden = os == .linux ? Self.linuxGolden[hosting] : Self.windowsGolden[hosting]
                #expect(try make() == golden)
            } else {
                #expect {
                    try make()
                } throws: { error in
                    (error as? ValidationError)?.code == "unavailable_option"
                }
            }
        }
    }

    @Test func sameCommandForEveryEngine() throws {
        for engine in Engine.allCases {
            let command = try InstallCommand.make(
                serverURL: Self.server, hosting: .selfHosted, os: .linux, connection: .direct, assetID: Self.asset, engine: engine)
            #expect(command == Self.linuxGolden[.selfHosted])
        }
    }

    @Test func dropsTrailingSlash() throws {
        let command = try InstallCommand.make(
            serverURL: "http://10.0.0.5:8080/", hosting: .selfHosted, os: .linux, connection: .direct, assetID: "a1", engine: .redis)
        #expect(command == "curl -fsSL http://10.0.0.5:8080/install.sh | sudo LOGSTAG_SERVER=http://10.0.0.5:8080 LOGSTAG_ASSET=a1 LOGSTAG_PLATFORM=self-hosted sh -s -- agent")
    }

    @Test func quotesUnsafeValuesForSh() throws {
        let command = try InstallCommand.make(
            serverURL: "https://host/x?a=1&b", hosting: .awsRDS, os: .linux, connection: .direct, assetID: "it's $(id)", engine: .redis)
        #expect(command == #"curl -fsSL 'https://host/x?a=1&b/install.sh' | sudo LOGSTAG_SERVER='https://host/x?a=1&b' LOGSTAG_ASSET='it'\''s $(id)' LOGSTAG_PLATFORM=aws-rds sh -s -- agent"#)
    }

    @Test func quotesUnsafeValuesForPowerShell() throws {
        let command = try InstallCommand.make(
            serverURL: "https://host", hosting: .selfHosted, os: .windows, connection: .direct, assetID: "it's $x ’y", engine: .mssql)
        #expect(command == #"Invoke-WebRequest -UseBasicParsing https://host/install.ps1 -OutFile $env:TEMP\logstag-install.ps1; & $env:TEMP\logstag-install.ps1 -Server https://host -Asset 'it''s $x ’’y' -Platform self-hosted"#)
    }

    @Test(arguments: ["ftp://host", "logstag.example.com", "https://", "https://exa mple.com", "https://host\n"])
    func rejectsBadServerURL(_ url: String) {
        #expect {
            try InstallCommand.make(serverURL: url, hosting: .selfHosted, os: .linux, connection: .direct, assetID: "a1", engine: .redis)
        } throws: { error in
            (error as? ValidationError)?.code == "invalid_url"
        }
    }

    @Test func neverContainsAToken() throws {
        for os in OperatingSystem.allCases {
            let command = try InstallCommand.make(
                serverURL: Self.server, hosting: .selfHosted, os: os, connection: .direct, assetID: Self.asset, engine: .postgresql)
            #expect(!command.contains("lsr_"))
            #expect(!command.contains("TOKEN"))
            #expect(InstallCommand.tokenNote(for: os).contains("LOGSTAG_TOKEN_FILE"))
        }
    }
}
