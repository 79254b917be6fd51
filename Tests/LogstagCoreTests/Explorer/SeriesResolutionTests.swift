import Foundation
import Testing
import LogstagCore

struct SeriesResolutionTests {
    let now = Date(timeIntervalSince1970: 1_795_168_800)
    let day: TimeInterval = 86_400

    private func plan(
        last seconds: TimeInterval, endedAgo: TimeInterval = 0, retention: SeriesRetention = .defaults,
        maxPoints: Int = 1000, rawStep: TimeInterval = 10
    ) -> SeriesReadPlan {
        let end = now.addingTimeInterval(-endedAgo)
        return SeriesReadPlan.plan(
            windowStart: end.addingTimeInterval(-seconds), windowEnd: end, now: now, retention: retention,
            maxPoints: maxPoints, rawStep: rawStep)
    }

    @Test func stepsAndDefaults() {
        #expect(SeriesResolution.raw.step == nil)
        #expect(SeriesResolution.minute.step == 60)
        #expect(SeriesResolution.hour.step == 3600)
        #expect(SeriesResolution.raw.step(rawStep: 15) == 15)
        #expect(SeriesResolution.hour.step(rawStep: 15) == 3600)
        #expect(SeriesRetention.defaults == SeriesRetention(raw: 7 * day, minute: 30 * day, hour: 400 * day))
        #expect(SeriesRetention.defaults.keeps(.raw) == 7 * day)
        #expect(SeriesRetention.defaults.keeps(.minute) == 30 * day)
        #expect(SeriesRetention.defaults.keeps(.hour) == 400 * day)
    }

    @Test func worked1HourReadsRawAt10Seconds() {
        let p = plan(last: 3600)
        #expect(p.resolution == .raw)
        #expect(p.bucket == 10)
        #expect(p.window == 3600)
        #expect(p.expectedPoints == 360)
    }

    @Test func worked24HoursReadsMinuteAt2Minutes() {
        let p = plan(last: day)
        #expect(p.resolution == .minute)
        #expect(p.bucket == 120)
        #expect(p.expectedPoints == 720)
    }

    @Test func worked7DaysReadsMinuteAt15Minutes() {
        let p = plan(last: 7 * day)
        #expect(p.resolution == .minute)
        #expect(p.bucket == 900)
        #expect(p.expectedPoints == 672)
    }

    @Test func worked30DaysReadsHourAt1Hour() {
        let p = plan(last: 30 * day)
        #expect(p.resolution == .hour)
        #expect(p.bucket == 3600)
        #expect(p.expectedPoints == 720)
    }

    @Test func workedHourTenDaysAgoFallsBackToMinutesBecauseRawIsGone() {
        let p = plan(last: 3600, endedAgo: 10 * day)
        #expect(p.resolution == .minute)
        #expect(p.bucket == 60)
        #expect(p.expectedPoints == 60)
    }

    @Test func retentionBoundaryIsInclusive() {
        // Starts exactly at the raw cut-off: raw still holds it.
        let atEdge = plan(last: 3600, endedAgo: 7 * day - 3600)
        #expect(atEdge.resolution == .raw)
        // One second older: raw is gone.
        let pastEdge = plan(last: 3600, endedAgo: 7 * day - 3599)
        #expect(pastEdge.resolution == .minute)
    }

    @Test func windowOlderThanMinuteRetentionReadsHours() {
        let p = plan(last: 2 * day, endedAgo: 35 * day)
        #expect(p.resolution == .hour)
        #expect(p.bucket == 3600)
        #expect(p.expectedPoints == 48)
    }

    @Test func windowOlderThanEverythingReadsTheLongestKept() {
        let p = plan(last: 3600, endedAgo: 500 * day)
        #expect(p.resolution == .hour)
        #expect(p.bucket == 3600)
        #expect(p.expectedPoints == 1)

        // A configuration where the minute rollup outlives the hourly one.
        let odd = plan(last: 3600, endedAgo: 500 * day, retention: SeriesRetention(raw: day, minute: 600 * day, hour: 90 * day))
        #expect(odd.resolution == .minute)
        #expect(odd.bucket == 60)
    }

    @Test func shortRetentionConfigurationsAreHonoured() {
        let noRaw = plan(last: 3600, retention: SeriesRetention(raw: 0, minute: 30 * day, hour: 400 * day))
        #expect(noRaw.resolution == .minute)
        #expect(noRaw.bucket == 60)

        let longRaw = plan(last: 30 * day, retention: SeriesRetention(raw: 40 * day, minute: 40 * day, hour: 400 * day))
        #expect(longRaw.resolution == .hour)  // the coarsest source that divides 1 h still wins
    }

    @Test func bucketNeverBelowTenSecondsWhateverTheRawStep() {
        let tiny = plan(last: 60, rawStep: 1)
        #expect(tiny.bucket == 10)
        #expect(tiny.resolution == .raw)
        #expect(tiny.expectedPoints == 6)

        let empty = SeriesReadPlan.plan(windowStart: now, windowEnd: now, now: now, retention: .defaults)
        #expect(empty.bucket == 10)
        #expect(empty.expectedPoints == 0)

        let invalidStep = plan(last: 3600, rawStep: 0)
        #expect(invalidStep.bucket >= 10)
    }

    @Test func rawStepMustDivideTheBucket() {
        // 15 s samples cannot be drawn in 10 or 20 s buckets.
        let p = plan(last: 3600, rawStep: 15)
        #expect(p.resolution == .raw)
        #expect(p.bucket == 30)
        #expect(p.expectedPoints == 120)

        // 60 s samples: the minute rollup divides 1 min as well and is coarser-or-equal, read it.
        let minuteSampled = plan(last: 3600, rawStep: 60)
        #expect(minuteSampled.bucket == 60)
        #expect(minuteSampled.resolution == .minute)

        // A raw step dividing no nice width, with only raw data retained.
        let odd = plan(last: 3600, retention: SeriesRetention(raw: 7 * day, minute: 0, hour: 0), rawStep: 7)
        #expect(odd.resolution == .raw)
        #expect(odd.bucket.truncatingRemainder(dividingBy: 7) == 0)
        #expect(odd.bucket >= 10)
        #expect(odd.expectedPoints <= 1000)
    }

    @Test(arguments: [600, 3600, 21_600, 86_400, 259_200, 604_800, 1_209_600, 2_592_000, 7_776_000, 34_560_000] as [TimeInterval])
    func everyPlanRespectsItsInvariants(window: TimeInterval) {
        let p = plan(last: window)
        #expect(p.expectedPoints <= 1000)
        #expect(p.expectedPoints >= 1)
        #expect(SeriesReadPlan.niceBuckets.contains(p.bucket))
        let step = p.resolution.step(rawStep: 10)
        #expect(p.bucket.truncatingRemainder(dividingBy: step) == 0)
        // The next finer nice width would exceed the point budget (or the source cannot draw it).
        if let index = SeriesReadPlan.niceBuckets.firstIndex(of: p.bucket), index > 0 {
            let finer = SeriesReadPlan.niceBuckets[index - 1]
            let fitsBudget = window / finer <= 1000
            let sourceAvailable = SeriesResolution.allCases.contains {
                SeriesRetention.defaults.retains($0, at: now.addingTimeInterval(-window), now: now)
                    && finer.truncatingRemainder(dividingBy: $0.step(rawStep: 10)) == 0
            }
            #expect(!(fitsBudget && sourceAvailable))
        }
    }

    @Test func smallerPointBudgetsWidenTheBucket() {
        let p = plan(last: day, maxPoints: 300)
        #expect(p.bucket == 300)
        #expect(p.expectedPoints == 288)
        #expect(p.resolution == .minute)

        let one = plan(last: day, maxPoints: 1)
        #expect(one.bucket == 86_400)
        #expect(one.resolution == .hour)

        let hugeWindow = plan(last: 400 * day, retention: SeriesRetention(raw: 1000 * day, minute: 1000 * day, hour: 1000 * day), maxPoints: 10)
        #expect(hugeWindow.bucket.truncatingRemainder(dividingBy: 604_800) == 0)
        #expect(hugeWindow.expectedPoints <= 10)
        #expect(hugeWindow.resolution == .hour)
    }
}
