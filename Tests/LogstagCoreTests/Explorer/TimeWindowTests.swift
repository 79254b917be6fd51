import Foundation
import Testing
import LogstagCore

struct TimeWindowTests {
    /// 2026-11-20T10:00:00Z
    let now = Date(timeIntervalSince1970: 1_795_168_800)

    @Test(arguments: [
        (TimeWindow.Preset.hour, 3600.0, "Last 1 hour"), (.day, 86_400, "Last 24 hours"),
        (.week, 604_800, "Last 7 days"), (.month, 2_592_000, "Last 30 days"),
    ])
    func presetEndsNowAndSpansItsDuration(preset: TimeWindow.Preset, seconds: Double, label: String) {
        let window = TimeWindow(preset: preset, now: now)
        #expect(window.end == now)
        #expect(window.start == now.addingTimeInterval(-seconds))
        #expect(window.duration == seconds)
        #expect(window.preset == preset)
        #expect(window.label == label)
        #expect(window.queryString == "window=" + preset.rawValue)
    }

    @Test func nowFixtureIsTheDateTheTestsAssume() {
        #expect(WireDate.format(now) == "2026-11-20T10:00:00.000Z")
    }

    @Test func previousIsTheAdjacentWindowOfEqualLength() throws {
        let day = TimeWindow(preset: .day, now: now)
        #expect(day.previous.end == day.start)
        #expect(day.previous.duration == day.duration)
        #expect(day.previous.start == now.addingTimeInterval(-2 * 86_400))
        #expect(day.previous.preset == nil)

        let custom = try TimeWindow(start: now, end: now.addingTimeInterval(90))
        #expect(custom.previous.start == now.addingTimeInterval(-90))
        #expect(custom.previous.end == now)
        #expect(custom.previous.previous.end == custom.previous.start)
    }

    @Test func customRangeMustRunForwardsAndFitTheMaximumSpan() throws {
        #expect(TimeWindow.maxCustomSpan == 400 * 86_400)
        let longest = try TimeWindow(start: now.addingTimeInterval(-TimeWindow.maxCustomSpan), end: now)
        #expect(longest.duration == TimeWindow.maxCustomSpan)

        #expect(throws: TimeWindowError.self) { try TimeWindow(start: now, end: now) }
        #expect(throws: TimeWindowError.self) { try TimeWindow(start: now, end: now.addingTimeInterval(-1)) }
        #expect(throws: TimeWindowError.self) {
            try TimeWindow(start: now.addingTimeInterval(-TimeWindow.maxCustomSpan - 1), end: now)
        }
    }

    @Test func parseDefaultsToThePresetGiven() throws {
        #expect(try TimeWindow.parse(window: nil, from: nil, to: nil, now: now) == TimeWindow(preset: .hour, now: now))
        #expect(try TimeWindow.parse(window: "", from: "", to: " ", now: now, defaultPreset: .week) == TimeWindow(preset: .week, now: now))
        #expect(try TimeWindow.parse(window: "30d", from: nil, to: nil, now: now) == TimeWindow(preset: .month, now: now))
    }

    @Test func parseReadsISOAndUnixSeconds() throws {
        let iso = try TimeWindow.parse(window: nil, from: "2026-11-20T10:00:00Z", to: "2026-11-21T10:00:00Z", now: now)
        #expect(iso.start == now)
        #expect(iso.end == now.addingTimeInterval(86_400))
        #expect(iso.preset == nil)

        let unix = try TimeWindow.parse(window: "24h", from: "1795168800", to: "1795172400.5", now: now)
        #expect(unix.start == now)
        #expect(unix.end == now.addingTimeInterval(3600.5))

        let offset = try TimeWindow.parse(window: nil, from: "2026-11-20T11:00:00+01:00", to: "2026-11-20T10:30:00.250Z", now: now)
        #expect(offset.start == now)
        #expect(offset.end == now.addingTimeInterval(1800.25))

        // What <input type="datetime-local"> submits: no zone, read as UTC.
        let local = try TimeWindow.parse(window: nil, from: "2026-11-20T10:00", to: "2026-11-20T10:05:30", now: now)
        #expect(local.start == now)
        #expect(local.end == now.addingTimeInterval(330))
    }

    @Test func queryStringRoundTrips() throws {
        let later = Date(timeIntervalSince1970: 9_999_999)
        for preset in TimeWindow.Preset.allCases {
            let window = TimeWindow(preset: preset, now: now)
            let parsed = try parseQuery(window.queryString, now: now)
            #expect(parsed == window)
            #expect(try parseQuery(window.queryString, now: later).end == later)
        }
        let custom = try TimeWindow(start: now, end: now.addingTimeInterval(86_400))
        #expect(custom.queryString == "from=2026-11-20T10:00:00Z&to=2026-11-21T10:00:00Z")
        #expect(try parseQuery(custom.queryString, now: later) == custom)

        let fractional = try TimeWindow(start: now.addingTimeInterval(0.25), end: now.addingTimeInterval(61))
        #expect(fractional.queryString == "from=2026-11-20T10:00:00.250Z&to=2026-11-20T10:01:01Z")
        #expect(try parseQuery(fractional.queryString, now: later) == fractional)

        let unreserved = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~:=&"))
        #expect(fractional.queryString.unicodeScalars.allSatisfy { unreserved.contains($0) })
    }

    @Test func customLabelShowsUTCDatesAndYearOnlyWhenItChanges() throws {
        let day = try TimeWindow(start: now, end: now.addingTimeInterval(86_400))
        #expect(day.label == "20 Nov 10:00 – 21 Nov 10:00 UTC")

        let early = try TimeWindow(start: now.addingTimeInterval(-19 * 86_400 - 36_000), end: now.addingTimeInterval(-19 * 86_400 + 30))
        #expect(early.label == "1 Nov 00:00:00 – 1 Nov 10:00:30 UTC")

        let newYear = try TimeWindow(
            start: WireDate.parse("2026-12-30T22:15:00Z")!, end: WireDate.parse("2027-01-02T08:00:00Z")!)
        #expect(newYear.label == "30 Dec 2026 22:15 – 2 Jan 2027 08:00 UTC")
    }

    @Test func parseErrorsNameTheParameterAndQuoteTheValue() {
        #expect(parseError(window: "2h") == "window")
        #expect(parseMessage(window: "2h")?.contains("'2h'") == true)
        #expect(parseError(window: "1H") == "window")

        #expect(parseError(from: "2026-11-20T10:00:00Z") == "to")
        #expect(parseError(to: "2026-11-20T10:00:00Z") == "from")

        #expect(parseError(from: "2026-11-21T10:00:00Z", to: "2026-11-20T10:00:00Z") == "to")
        #expect(parseError(from: "2026-11-20T10:00:00Z", to: "2026-11-20T10:00:00Z") == "to")
        #expect(parseError(from: "2025-01-01T00:00:00Z", to: "2026-11-20T10:00:00Z") == "to")
        #expect(parseMessage(from: "2025-01-01T00:00:00Z", to: "2026-11-20T10:00:00Z")?.contains("400 days") == true)

        #expect(parseError(from: "yesterday", to: "2026-11-20T10:00:00Z") == "from")
        #expect(parseMessage(from: "yesterday", to: "2026-11-20T10:00:00Z")?.contains("'yesterday'") == true)
        #expect(parseError(from: "2026-11-20T10:00:00Z", to: "2026-02-30T10:00:00Z") == "to")
    }

    @Test(arguments: ["-5", "1e9", "0x10", "inf", "nan", "12.", ".5", "2026-11-20", "2026-11-20T10", "20 Nov 2026", "１２３"])
    func rejectsGarbageDates(_ text: String) {
        #expect(parseError(from: text, to: "2026-11-21T10:00:00Z") == "from")
    }

    @Test func errorMessagesClipAbsurdValues() {
        let message = parseMessage(window: String(repeating: "x", count: 5000)) ?? ""
        #expect(!message.isEmpty)
        #expect(message.count < 200)
    }

    // MARK: - helpers

    private func parseQuery(_ query: String, now: Date) throws(TimeWindowError) -> TimeWindow {
        var values: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            values[String(parts[0])] = String(parts[1])
        }
        return try TimeWindow.parse(window: values["window"], from: values["from"], to: values["to"], now: now)
    }

    private func failure(window: String?, from: String?, to: String?) -> TimeWindowError? {
        do {
            _ = try TimeWindow.parse(window: window, from: from, to: to, now: now)
            return nil
        } catch {
            return error
        }
    }

    private func parseError(window: String? = nil, from: String? = nil, to: String? = nil) -> String? {
        failure(window: window, from: from, to: to)?.parameter
    }

    private func parseMessage(window: String? = nil, from: String? = nil, to: String? = nil) -> String? {
        failure(window: window, from: from, to: to)?.message
    }
}
