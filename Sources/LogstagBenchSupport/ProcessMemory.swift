// Resident-memory readings for the on-demand benchmarks (Linux /proc).
import Foundation

/// VmRSS and VmHWM of this process in bytes.
public func memory() -> (rss: Int, peak: Int) {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    func field(_ name: String) -> Int {
        for line in status.split(separator: "\n") where line.hasPrefix(name) {
            return (Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) ?? 0) * 1024
        }
        return 0
    }
    return (field("VmRSS:"), field("VmHWM:"))
}

/// Resets VmHWM to the current resident set (Linux: "5" to /proc/self/clear_refs).
public func resetPeak() {
    try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
}

public func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1_048_576) }
