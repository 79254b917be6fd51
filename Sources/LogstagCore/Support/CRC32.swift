/// CRC-32 as used by zlib, gzip and PNG (IEEE 802.3, reflected polynomial 0xEDB88320).
///
/// Contract: `checksum(Array("123456789".utf8)) == 0xCBF43926`. Used for the token checksum,
/// where it catches typos and truncation; it is not a cryptographic hash.
public enum CRC32 {
    static let table: [UInt32] = (0..<256).map { index in
        var crc = UInt32(index)
        for _ in 0..<8 {
            crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1
        }
        return crc
    }

    /// The CRC-32 of `bytes`.
    public static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        return crc ^ 0xFFFF_FFFF
    }

    /// The CRC-32 of the UTF-8 encoding of `text`.
    public static func checksum(_ text: String) -> UInt32 {
        checksum(text.utf8)
    }
}
