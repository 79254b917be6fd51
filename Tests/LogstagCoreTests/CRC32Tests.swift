import Testing
import LogstagCore

struct CRC32Tests {
    @Test func standardCheckValue() {
        #expect(CRC32.checksum("123456789") == 0xCBF4_3926)
    }

    @Test func knownVectors() {
        #expect(CRC32.checksum("") == 0)
        #expect(CRC32.checksum("a") == 0xE8B7_BE43)
        #expect(CRC32.checksum("The quick brown fox jumps over the lazy dog") == 0x414F_A339)
        #expect(CRC32.checksum([0x00] as [UInt8]) == 0xD202_EF8D)
    }
}
