import Foundation
import Testing
import LogstagCore

struct WireDateTests {
    @Test func formatsMillisecondsInUTC() {
        #expect(WireDate.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(WireDate.format(Date(timeIntervalSince1970: 1_748_781_005.25)) == "2025-06-01T12:30:05.250Z")
        #expect(WireDate.format(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00.000Z")
        #expect(WireDate.format(Date(timeIntervalSince1970: -0.001)) == "1969-12-31T23:59:59.999Z")
        #expect(WireDate.format(Date(timeIntervalSince1970: 1.9996)) == "1970-01-01T00:00:02.000Z")
    }

    @Test func parseInvertsFormatAtMillisecondPrecision() {
        for millis in stride(from: Int64(-86_400_000), to: 4_102_444_800_000, by: 7_777_777_777) {
            let date = Date(timeIntervalSince1970: Double(millis) / 1000)
            #expect(WireDate.parse(WireDate.format(date)) == date)
            #expect(WireDate.format(WireDate.parse(WireDate.format(date))!) == WireDate.format(date))
        }
    }

    @Test func parsesVariants() {
        #expect(WireDate.parse("2025-06-01T12:30:05Z") == Date(timeIntervalSince1970: 1_748_781_005))
        #expect(WireDate.parse("2025-06-01T12:30:05.5Z") == Date(timeIntervalSince1970: 1_748_781_005.5))
        #expect(WireDate.parse("2025-06-01T07:30:05-05:00") == Date(timeIntervalSince1970: 1_748_781_005))
        #expect(WireDate.parse("2025-06-01t12:30:05z") == Date(timeIntervalSince1970: 1_748_781_005))
    }

    @Test(arguments: [
        "", "2025-06-01", "2025-06-01T12:30:05", "2025-02-29T00:00:00Z", "2025-13-01T00:00:00Z", "2025-06-01T24:00:00Z",
        "2025-06-01T12:30:05.Z", "2025-06-01T12:30:05.1234567891Z", "2025-06-01T12:30:05Zjunk", "2025-06-01 12:30:05Z",
        "2025-06-01T12:30:05+0200",
    ])
    func rejects(_ text: String) {
        #expect(WireDate.parse(text) == nil)
    }
}
