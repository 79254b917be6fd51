import Testing
import LogstagCore

/// Returns the given words in order, for a deterministic `Base62.random`.
struct ScriptedGenerator: RandomNumberGenerator {
    var words: [UInt64]
    mutating func next() -> UInt64 { words.removeFirst() }
}

struct Base62Tests {
    @Test func encodesWithPadding() {
        #expect(Base62.encode(0, width: 6) == "000000")
        #expect(Base62.encode(61, width: 1) == "z")
        #expect(Base62.encode(62, width: 1) == "10")
        #expect(Base62.encode(UInt64(UInt32.max), width: 6) == "4gfFC3")
    }

    @Test func decodeInvertsEncode() {
        for value: UInt64 in [0, 1, 61, 62, 3843, 1 << 32, UInt64.max] {
            #expect(Base62.decode(Base62.encode(value, width: 0)) == value)
        }
        #expect(Base62.decode("") == nil)
        #expect(Base62.decode("ab-c") == nil)
        #expect(Base62.decode("zzzzzzzzzzzzzzz") == nil)  // 62^15 > 2^64
    }

    @Test func randomRejectsBiasedBytes() {
        // Bytes are consumed low byte first: 0x00 -> '0', 0xF8 (248) rejected, 0xF7 (247) -> 247 % 62 = 61 -> 'z'.
        var generator = ScriptedGenerator(words: [0xF7F8_00, 0x3D])
        #expect(Base62.random(count: 3, using: &generator) == "0z0")
        var all = ScriptedGenerator(words: [UInt64.max, 0x3E])
        #expect(Base62.random(count: 1, using: &all) == "0")  // 0xFF bytes all rejected, then 62 % 62 = 0
    }

    @Test func randomUsesWholeAlphabet() {
        let sample = Base62.random(count: 20_000)
        #expect(sample.utf8.count == 20_000)
        #expect(Set(sample.utf8) == Set(Base62.alphabet))
    }
}
