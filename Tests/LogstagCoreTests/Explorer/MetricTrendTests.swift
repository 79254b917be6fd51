import Foundation
import Testing
import LogstagCore

struct MetricTrendTests {
    @Test func risingLatencyIsWorse() throws {
        let trend = try #require(MetricTrend.compare(current: 125, previous: 100, risingIsBad: true))
        #expect(trend.change == 0.25)
        #expect(trend.direction == .up)
        #expect(trend.verdict == .worse)
        #expect(trend.label == "+25 %")
        #expect(trend.current == 125)
        #expect(trend.previous == 100)
    }

    @Test func risingThroughputIsBetter() throws {
        let trend = try #require(MetricTrend.compare(current: 125, previous: 100, risingIsBad: false))
        #expect(trend.direction == .up)
        #expect(trend.verdict == .better)
    }

    @Test func fallingLatencyIsBetterAndFallingThroughputWorse() throws {
        let latency = try #require(MetricTrend.compare(current: 96.9, previous: 100, risingIsBad: true))
        #expect(latency.direction == .down)
        #expect(latency.verdict == .better)
        #expect(latency.label == "\u{2212}3.1 %")
        let calls = try #require(MetricTrend.compare(current: 50, previous: 200, risingIsBad: false))
        #expect(calls.change == -0.75)
        #expect(calls.direction == .down)
        #expect(calls.verdict == .worse)
        #expect(calls.label == "\u{2212}75 %")
    }

    @Test func changesBelowOnePercentAreFlat() throws {
        let small = try #require(MetricTrend.compare(current: 100.9, previous: 100, risingIsBad: true))
        #expect(small.direction == .flat)
        #expect(small.verdict == .neutral)
        #expect(small.label == "+0.9 %")
        let edge = try #require(MetricTrend.compare(current: 101, previous: 100, risingIsBad: true))
        #expect(edge.direction == .up)
        #expect(edge.label == "+1 %")
        let equal = try #require(MetricTrend.compare(current: 7, previous: 7, risingIsBad: false))
        #expect(equal.direction == .flat)
        #expect(equal.change == 0)
        #expect(equal.label == "0 %")
        let tiny = try #require(MetricTrend.compare(current: 100.0001, previous: 100, risingIsBad: false))
        #expect(tiny.label == "0 %")
    }

    @Test func fromZero() throws {
        let new = try #require(MetricTrend.compare(current: 3, previous: 0, risingIsBad: true))
        #expect(new.change == nil)
        #expect(new.direction == .up)
        #expect(new.verdict == .worse)
        #expect(new.label == "new")
        let bothZero = try #require(MetricTrend.compare(current: 0, previous: 0, risingIsBad: true))
        #expect(bothZero.change == nil)
        #expect(bothZero.direction == .flat)
        #expect(bothZero.verdict == .neutral)
        #expect(bothZero.label == "0 %")
        let toZero = try #require(MetricTrend.compare(current: 0, previous: 4, risingIsBad: true))
        #expect(toZero.change == -1)
        #expect(toZero.direction == .down)
        #expect(toZero.label == "\u{2212}100 %")
    }

    @Test func negativeBaselineKeepsTheSignOfTheMove() throws {
        // e.g. a net growth metric: -10 -> -5 is a rise.
        let trend = try #require(MetricTrend.compare(current: -5, previous: -10, risingIsBad: false))
        #expect(trend.change == 0.5)
        #expect(trend.direction == .up)
        #expect(trend.verdict == .better)
    }

    @Test func missingOrUnusableDataGivesNoTrend() {
        #expect(MetricTrend.compare(current: nil, previous: 1, risingIsBad: true) == nil)
        #expect(MetricTrend.compare(current: 1, previous: nil, risingIsBad: true) == nil)
        #expect(MetricTrend.compare(current: nil, previous: nil, risingIsBad: true) == nil)
        #expect(MetricTrend.compare(current: .nan, previous: 1, risingIsBad: true) == nil)
        #expect(MetricTrend.compare(current: 1, previous: .infinity, risingIsBad: true) == nil)
    }

    @Test func labelRounding() throws {
        #expect(try #require(MetricTrend.compare(current: 112.34, previous: 100, risingIsBad: true)).label == "+12 %")
        #expect(try #require(MetricTrend.compare(current: 109.96, previous: 100, risingIsBad: true)).label == "+10 %")
        #expect(try #require(MetricTrend.compare(current: 105.25, previous: 100, risingIsBad: true)).label == "+5.3 %")
        #expect(try #require(MetricTrend.compare(current: 1000, previous: 1, risingIsBad: true)).label == "+99900 %")
    }
}
