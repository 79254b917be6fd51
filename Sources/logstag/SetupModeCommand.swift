import ArgumentParser
import Foundation
import LogstagSetup

/// `logstag --mode setup`: explains where to find setup today and exits 64.
struct SetupModeCommand {
    func run() throws {
        FileHandle.standardError.write(Data((SetupMode.availability + "\n").utf8))
        throw ExitCode(64)
    }
}
