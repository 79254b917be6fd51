import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Gives back memory the agent touched once and no longer uses.
///
/// Why: `logstag` is one static binary that also carries the server, the web UI and the setup
/// prompt. Start-up (argument parsing, configuration, TLS and runtime initialisation) and the
/// kernel's read-ahead leave much of that 150 MB file's code (and of the shared libraries')
/// mapped in the agent's resident set although the agent never runs it again. Dropping the
/// page-table entries of read-only file mappings (`MADV_DONTNEED`) takes those pages out of the
/// resident set without evicting them from the page cache; the few the collection loop really
/// uses fault straight back in, with identical contents, from the page cache. `MADV_PAGEOUT`
/// would not do: it skips pages another process maps too (a server on the same host).
/// `malloc_trim` returns freed heap pages.
///
/// Contract: best effort and Linux only; failures are ignored (the agent keeps working, it only
/// keeps more memory). Only mappings that are read-only, file-backed and hold no private
/// (copy-on-write) pages are touched: for those, re-reading the file gives back exactly what
/// was dropped. RELRO data (relocated, then made read-only) has private pages and is skipped.
public enum ResidentMemoryTrim {
    /// Drops the page-table entries of clean read-only file mappings and trims the heap.
    /// Returns the number of bytes advised (0 where unsupported).
    @discardableResult
    public static func run() -> Int {
        #if os(Linux)
        var advised = 0
        for mapping in droppableMappings() {
            guard let start = UnsafeMutableRawPointer(bitPattern: mapping.start) else { continue }
            let length = Int(mapping.end - mapping.start)
            // No read-ahead or fault-around for code: only the pages really used come back.
            _ = madvise(start, length, MADV_RANDOM)
            if madvise(start, length, MADV_DONTNEED) == 0 { advised += length }
        }
        _ = glibcMallocTrim(0)
        return advised
        #else
        return 0
        #endif
    }

    struct Mapping: Equatable {
        var start: UInt
        var end: UInt
    }

    /// Read-only, file-backed mappings without private pages, from `/proc/self/smaps` text.
    static func droppableMappings(smaps: String? = try? String(contentsOfFile: "/proc/self/smaps", encoding: .utf8)) -> [Mapping] {
        guard let smaps else { return [] }
        var result: [Mapping] = []
        var candidate: Mapping?
        for line in smaps.split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            if let first = fields.first, first.contains("-"), fields.count >= 5, !first.hasSuffix(":") {
                // Header: "start-end perms offset dev inode [path]"
                candidate = nil
                let bounds = first.split(separator: "-")
                // The path is the rest of the line after the column padding.
                guard fields.count == 6, fields[5].drop(while: { $0 == " " }).hasPrefix("/"), !fields[1].contains("w"), bounds.count == 2,
                    let start = UInt(bounds[0], radix: 16), let end = UInt(bounds[1], radix: 16), end > start
                else { continue }
                candidate = Mapping(start: start, end: end)
            } else if let mapping = candidate, fields.first == "Anonymous:" {
                if fields.count >= 2, fields[1] == "0" { result.append(mapping) }
                candidate = nil
            }
        }
        return result
    }
}
#if os(Linux)
/// glibc's `malloc_trim` from <malloc.h>, which Glibc's Swift module does not export.
@_silgen_name("malloc_trim")
private func glibcMallocTrim(_ pad: Int) -> Int32
#endif
