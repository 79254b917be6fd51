import Foundation
import LogstagCore

/// One batch file in the spool: `<sequence 16 digits>-<tier>[-a|-b...].batch`.
///
/// Contract: entries sort by `name`, which is the order they were written (a split keeps its
/// original's place: `…-high-a.batch` and `…-high-b.batch` come where `…-high.batch` was).
/// `sequence` is the write time in microseconds since 1970, made strictly increasing, so
/// `createdAt` is when the batch was collected and spooled.
public struct SpoolEntry: Sendable, Equatable, Hashable {
    public let name: String
    public let sequence: UInt64
    public let tier: Tier
    /// File size in bytes (the JSON-encoded `IngestBatch`).
    public let size: Int

    public var createdAt: Date { Date(timeIntervalSince1970: Double(sequence) / 1_000_000) }

    static let fileExtension = ".batch"

    init(sequence: UInt64, tier: Tier, suffix: String = "", size: Int) {
        self.sequence = sequence
        self.tier = tier
        self.size = size
        name = Self.pad(sequence) + "-" + tier.rawValue + suffix + Self.fileExtension
    }

    private init(name: String, sequence: UInt64, tier: Tier, size: Int) {
        self.name = name
        self.sequence = sequence
        self.tier = tier
        self.size = size
    }

    /// The entry a file name describes, or nil when the name is not a spool file name.
    init?(fileName: String, size: Int) {
        guard fileName.hasSuffix(Self.fileExtension) else { return nil }
        let parts = fileName.dropLast(Self.fileExtension.count).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].count == 16, parts[0].allSatisfy(\.isASCII), let sequence = UInt64(parts[0]),
            let tier = Tier(rawValue: String(parts[1])), parts.dropFirst(2).allSatisfy({ $0 == "a" || $0 == "b" })
        else { return nil }
        self.init(name: fileName, sequence: sequence, tier: tier, size: size)
    }

    /// The same entry with a new size (after its file was rewritten).
    func resized(_ size: Int) -> SpoolEntry {
        SpoolEntry(name: name, sequence: sequence, tier: tier, size: size)
    }

    /// The entry for one half of this entry's batch after a split (`suffix` is "a" or "b").
    func half(_ suffix: String, size: Int) -> SpoolEntry {
        SpoolEntry(name: String(name.dropLast(Self.fileExtension.count)) + "-" + suffix + Self.fileExtension, sequence: sequence, tier: tier, size: size)
    }

    static func pad(_ sequence: UInt64) -> String {
        let digits = String(sequence)
        return String(repeating: "0", count: max(0, 16 - digits.count)) + digits
    }
}
