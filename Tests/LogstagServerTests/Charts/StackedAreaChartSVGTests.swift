import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

@testable import LogstagServer

@Suite("Stacked area chart SVG")
struct StackedAreaChartSVGTests {
    typealias S = ChartTestSupport

    static func x(_ minute: Double) -> Double { ChartAxis.plotLeft + minute / 60 * (ChartAxis.plotRight - ChartAxis.plotLeft) }

    static let sessions = S.chart(
        [S.series("Active", [10, 12, nil, 8]), S.series("Idle", [20, 18, nil, 25]), S.series("Idle in Transaction", [15, nil, nil, 2])],
        title: "Sessions")

    @Test("Buckets stack in order; a series missing from a present bucket counts as 0")
    func stackingSums() {
        let buckets = StackedAreaChartSVG.buckets(Self.sessions)
        #expect(buckets.map(\.cumulative) == [[10, 30, 45], [12, 30, 30], nil, [8, 33, 35]])
        #expect(buckets.map(\.total) == [45, 30, nil, 35])
        // The value kept for the hover is still "missing", not 0.
        #expect(buckets[1].values == [12, 18, nil])
    }

    @Test("The axis covers the stacked total, and the top band ends at the total")
    func axisCoversTotals() throws {
        let document = try S.parse(StackedAreaChartSVG.render(Self.sessions))
        let labels = try S.texts(document, class: "xchart__ylabel")
        let top = try #require(Double(labels.last!))
        #expect(top >= 45)
        #expect(top < 100)  // no single series reaches 45: only the sum explains this axis
        // The top series' upper edge at minute 0 is at the total (45), at minute 1 at 30.
        let runs = try S.drawnRuns(S.seriesGroup(document, "Idle in Transaction"))
        let plot = ChartAxis.Plot(start: S.start, end: S.time(60), low: 0, high: top)
        let first = try #require(runs.first)
        #expect(abs(first[0].y - plot.y(45)) < 0.05)
        #expect(abs(first[1].y - plot.y(30)) < 0.05)
    }

    @Test("A bucket where every series is missing is a gap in every band")
    func allMissingBucketIsAGap() throws {
        let document = try S.parse(StackedAreaChartSVG.render(Self.sessions))
        for name in ["Active", "Idle", "Idle in Transaction"] {
            let runs = try S.drawnRuns(S.seriesGroup(document, name))
            #expect(runs.count == 2, "\(name)")
            #expect(!runs.flatMap { $0 }.contains { abs($0.x - Self.x(2)) < 0.05 }, "\(name)")
        }
        // Hover data omits missing samples (Idle in Transaction has only minutes 0 and 3).
        let t0 = Int(S.start.timeIntervalSince1970)
        #expect(S.attribute(try S.seriesGroup(document, "Idle in Transaction"), "data-points") == "\(t0):15,\(t0 + 180):2")
    }

    @Test("A long step between present buckets is a gap")
    func longStepIsAGap() throws {
        let points = [0.0, 1, 2, 10, 11].map { ChartSample(time: S.time($0), value: 4) }
        let chart = S.chart([ChartSeries(name: "IO", points: points), ChartSeries(name: "Locks", points: points)])
        let document = try S.parse(StackedAreaChartSVG.render(chart))
        #expect(try S.drawnRuns(S.seriesGroup(document, "Locks")).map(\.count) == [6, 4])  // closed outlines: 3 and 2 buckets, twice
    }

    @Test("Fixed category colours, legend in stacking order")
    func categoryColoursAndLegend() throws {
        let document = try S.parse(StackedAreaChartSVG.render(Self.sessions))
        #expect(S.attribute(try S.seriesGroup(document, "Idle in Transaction"), "data-color") == ChartPalette.color(for: "Idle in Transaction", index: 0))
        let legend = try #require(S.elements(document, "g").first { S.attribute($0, "class") == "xchart__legend" })
        #expect(try S.elements(in: legend, "text").map { $0.stringValue } == ["Active", "Idle", "Idle in Transaction"])
        let desc = try #require(S.elements(document, "desc").first?.stringValue)
        #expect(desc.contains("total min 30, max 45, latest 35"))
        #expect(desc.contains("latest Active 8, Idle 25, Idle in Transaction 2"))
    }

    @Test("Empty and hostile inputs")
    func emptyAndHostile() throws {
        let empty = S.chart([S.series("Active", [nil, nil]), S.series("Idle", [nil])])
        #expect(try S.elements(S.parse(StackedAreaChartSVG.render(empty)), "text").map { $0.stringValue } == [ChartAxis.emptyText])
        let hostile = S.chart([S.series(S.hostile, [1, 2]), S.series("ok", [1, 1])], title: S.hostile)
        let markup = StackedAreaChartSVG.render(hostile)
        #expect(!markup.contains("<script"))
        #expect(try S.seriesGroup(S.parse(markup), S.hostile).name == "g")
        #expect(markup == StackedAreaChartSVG.render(hostile))
    }
}
