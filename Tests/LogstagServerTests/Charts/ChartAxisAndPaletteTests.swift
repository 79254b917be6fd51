import Foundation
import Testing

@testable import LogstagServer

@Suite("Chart axis and palette")
struct ChartAxisAndPaletteTests {
    typealias S = ChartTestSupport

    @Test("Value ticks: 3-5 evenly spaced nice values from 0 covering the data", arguments: [0.4, 1, 3, 7, 9.5, 41, 45, 100, 101, 999, 12_345, 0.003])
    func valueTicks(maximum: Double) throws {
        let ticks = ChartAxis.valueTicks([maximum / 3, maximum])
        #expect((3...5).contains(ticks.count))
        #expect(ticks.first == 0)
        #expect(ticks.last! >= maximum)
        let step = ticks[1] - ticks[0]
        #expect(ticks.last! - step < maximum)  // no empty step on top
        for (a, b) in zip(ticks, ticks.dropFirst()) { #expect(abs((b - a) - step) < step * 1e-9) }
        // The step is 1, 2, 2.5 or 5 times a power of ten.
        let mantissa = step / pow(10, log10(step).rounded(.down))
        #expect([1, 2, 2.5, 5].contains { abs(mantissa - $0) < 1e-9 })
    }

    @Test("Value ticks cover negative data and give flat zero data a range")
    func valueTickEdges() {
        let negative = ChartAxis.valueTicks([-5, 10])
        #expect(negative.first! <= -5 && negative.last! >= 10 && negative.contains(0))
        #expect(ChartAxis.valueTicks([0, 0]).last! > 0)
        #expect(ChartAxis.valueTicks([]).last! > 0)
    }

    @Test("Byte ticks fall on binary multiples")
    func byteTicks() {
        let ticks = ChartAxis.valueTicks([300_000, 2_000_000], unit: "bytes")
        #expect(ticks.last == 2_097_152.0)
        #expect(ticks.map { UnitFormat.format($0, unit: "bytes") } == ["0 B", "512 KiB", "1 MiB", "1.5 MiB", "2 MiB"])
        #expect(ChartAxis.valueTicks([0, 41], unit: "bytes") == ChartAxis.valueTicks([0, 41]))
    }

    @Test("Time labels are UTC and adapt to the span")
    func timeTicks() {
        let hour = ChartAxis.timeTicks(start: S.start, end: S.time(60)).map(\.label)
        #expect(hour.allSatisfy { $0.count == 5 && $0.contains(":") })  // "HH:mm"
        let week = ChartAxis.timeTicks(start: S.start, end: S.start.addingTimeInterval(7 * 86400)).map(\.label)
        #expect(week.allSatisfy { !$0.contains(":") })  // "d MMM"
        let minute = ChartAxis.timeTicks(start: S.start, end: S.time(2)).map(\.label)
        #expect(minute.allSatisfy { $0.count == 8 })  // "HH:mm:ss"
        // Midnight UTC crossed in a day window: the label names the new day.
        let midnight = Date(timeIntervalSince1970: 1_790_035_200)  // 2026-09-22 00:00 UTC
        let day = ChartAxis.timeTicks(start: midnight.addingTimeInterval(-6 * 3600), end: midnight.addingTimeInterval(6 * 3600)).map(\.label)
        #expect(day.contains("22 Sep 00:00"))
    }

    @Test("Runs: nil and long steps break, a 2.5-bucket step does not")
    func runs() {
        let samples = [0.0, 1, 3.5, 7, 8].map { ChartSample(time: S.time($0), value: 1) } + [ChartSample(time: S.time(9), value: nil)]
            + [ChartSample(time: S.time(10), value: 1)]
        #expect(ChartAxis.runs(samples, bucket: 60) == [[0, 1, 2], [3, 4], [6]])
        #expect(ChartAxis.runs(samples, bucket: 0) == [[0, 1, 2, 3, 4], [6]])
        #expect(ChartAxis.runs([ChartSample(time: S.start, value: .infinity)], bucket: 60).isEmpty)
    }

    @Test("Known categories keep their colour at any position; others take distinct palette colours")
    func palette() {
        for name in ["Active", "Idle", "Idle in Transaction", "Waiting for Lock", "Other", "Locks", "LW Locks", "IO", "Client"] {
            let colors = (0..<8).map { ChartPalette.color(for: name, index: $0) }
            #expect(Set(colors).count == 1, "\(name)")
        }
        #expect(ChartPalette.color(for: "idle_in_transaction", index: 3) == ChartPalette.color(for: "Idle in Transaction", index: 0))
        let states = ["Active", "Idle", "Idle in Transaction", "Waiting for Lock", "Other"].map { ChartPalette.color(for: $0, index: 0) }
        #expect(Set(states).count == states.count)
        let waits = ["Locks", "LW Locks", "IO", "Client", "Other"].map { ChartPalette.color(for: $0, index: 0) }
        #expect(Set(waits).count == waits.count)
        let plain = (0..<8).map { ChartPalette.color(for: "db\($0)", index: $0) }
        #expect(Set(plain).count == 8)
        #expect(ChartPalette.color(for: "db8", index: 8) == plain[0])
        #expect(plain.allSatisfy { $0.hasPrefix("#") && $0.count == 7 })
    }
}
