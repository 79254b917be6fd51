import Foundation
import Testing

@testable import LogstagAgent

@Suite struct ResidentMemoryTrimTests {
    static let smaps = """
        55bf87475000-55bf89b4d000 r-xp 00000000 fe:00 5392349                    /usr/local/bin/logstag
        Size:              39776 kB
        Rss:               21000 kB
        Anonymous:             0 kB
        55bf89b4d000-55bf89c58000 r--p 026d7000 fe:00 5392349                    /usr/local/bin/logstag
        Size:               1068 kB
        Anonymous:           812 kB
        55bf89c58000-55bf8c1bc000 rw-p 027e2000 fe:00 5392349                    /usr/local/bin/logstag
        Anonymous:          4000 kB
        7f35f1ac5000-7f35f1d44000 r-xp 000c5000 fe:00 4907316                    /usr/lib/x86_64-linux-gnu/libcrypto.so.3
        Anonymous:             0 kB
        7f35e0000000-7f35e00d5000 rw-p 00000000 00:00 0 
        Anonymous:           708 kB
        7ffd1c3f0000-7ffd1c3f2000 r-xp 00000000 00:00 0                          [vdso]
        Anonymous:             0 kB
        """

    @Test func onlyCleanReadOnlyFileMappingsAreDropped() {
        let mappings = ResidentMemoryTrim.droppableMappings(smaps: Self.smaps)
        // The text of the binary and of libcrypto; not RELRO data with private pages (r--p with
        // Anonymous > 0), not writable data, not anonymous memory, not the vDSO.
        #expect(mappings == [
            .init(start: 0x55bf_8747_5000, end: 0x55bf_89b4_d000),
            .init(start: 0x7f35_f1ac_5000, end: 0x7f35_f1d4_4000),
        ])
    }

    @Test func unreadableSmapsDropsNothing() {
        #expect(ResidentMemoryTrim.droppableMappings(smaps: nil).isEmpty)
        #expect(ResidentMemoryTrim.droppableMappings(smaps: "garbage\nAnonymous: 0 kB\n").isEmpty)
    }

    #if os(Linux)
    @Test func trimmingThisProcessKeepsItWorking() throws {
        let advised = ResidentMemoryTrim.run()
        #expect(advised > 0)
        // Code, constants and relocated data are all still intact after the pages come back.
        let text = String(repeating: "logstag ", count: 1000)
        #expect(text.split(separator: " ").count == 1000)
        let decoded = try JSONDecoder().decode([String: Int].self, from: Data(#"{"a": 1}"#.utf8))
        #expect(decoded == ["a": 1])
    }
    #endif
}
