import ArgumentParser
import Foundation
import LogstagAgent

/// `logstag --mode agent`: explains that the agent ships in the next release and exits 64.
struct AgentModeCommand {
    func run() throws {
        FileHandle.standardError.write(Data((AgentMode.availability + "\n").utf8))
        throw ExitCode(64)
    }
}
