import Foundation
import Testing
import LogstagCore

struct CounterDeltaTests {
    @Test func increaseBetweenSamples() {
        #expect(CounterDelta.increase(previous: 100, current: 150) == 50)
        #expect(CounterDelta.increase(previous: 100, current: 100) == 0)
        #expect(CounterDelta.increase(previous: 0, current: 7) == 7)
    }

    @Test func resetRestartsFromZero() {
        // pg_stat_statements_reset() or a restart: 1000 -> 30 means 30 new since the reset.
        #expect(CounterDelta.increase(previous: 1000, current: 30) == 30)
        #expect(CounterDelta.increase(previous: 1000, current: 0) == 0)
        #expect(CounterDelta.rate(previous: 1000, current: 30, seconds: 10) == 3)
    }

    @Test func rateDividesByTheInterval() {
        #expect(CounterDelta.rate(previous: 100, current: 160, seconds: 60) == 1)
        #expect(CounterDelta.rate(previous: 100, current: 100, seconds: 10) == 0)
        #expect(CounterDelta.rate(previous: 0, current: 5, seconds: 0.5) == 10)
    }

    @Test func unusableInputGivesNil() {
        #expect(CounterDelta.rate(previous: 1, current: 2, seconds: 0) == nil)
        #expect(CounterDelta.rate(previous: 1, current: 2, seconds: -10) == nil)
        #expect(CounterDelta.rate(previous: 1, current: 2, seconds: .nan) == nil)
        #expect(CounterDelta.rate(previous: 1, current: 2, seconds: .infinity) == nil)
        #expect(CounterDelta.increase(previous: .nan, current: 2) == nil)
        #expect(CounterDelta.increase(previous: 1, current: .infinity) == nil)
        #expect(CounterDelta.increase(previous: 1, current: -3) == nil)
        #expect(CounterDelta.increase(previous: -1, current: 3) == nil)
    }

    @Test func aSeriesWithResetsNeverGoesNegative() {
        // Sawtooth with two resets and a restart to zero.
        let samples: [Double] = [10, 50, 90, 5, 25, 25, 0, 40, 1_000_000, 3]
        var total = 0.0
        for (previous, current) in zip(samples, samples.dropFirst()) {
            let increase = CounterDelta.increase(previous: previous, current: current)
            #expect(increase != nil)
            #expect((increase ?? -1) >= 0)
            total += increase ?? 0
            let rate = CounterDelta.rate(previous: previous, current: current, seconds: 10)
            #expect((rate ?? -1) >= 0)
        }
        // 40 + 40 + 5 + 20 + 0 + 0 + 40 + 999960 + 3
        #expect(total == 1_000_108)
    }
}
