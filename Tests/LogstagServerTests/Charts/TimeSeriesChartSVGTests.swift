import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

@testable import LogstagServer

@Suite("Time-series chart SVG")
struct TimeSeriesChartSVGTests {
    typealias S = ChartTestSupport

    /// x of a minute in a 60-minute window.
    static func x(_ minute: Double) -> Double { ChartAxis.plotLeft + minute / 60 * (ChartAxis.plotRight - ChartAxis.plotLeft) }

    @Test("A nil sample splits the line and nothing is drawn at zero for it")
    func nilSampleIsAGap() throws {
        let chart = S.chart([S.series("active", [5, 7, 6, nil, 6, 8, 9])])
        let document = try S.parse(TimeSeriesChartSVG.render(chart))
        let runs = try S.drawnRuns(S.seriesGroup(document, "active"))
        #expect(runs.count == 2)
        #expect(runs.map(\.count) == [3, 3])
        let allPoints = runs.flatMap { $0 }
        // The zero line is the plot bottom (non-negative data starts at 0): no point may sit on it.
        #expect(allPoints.allSatisfy { $0.y < ChartAxis.plotBottom })
        // And no point at the missing minute's x.
        #expect(!allPoints.contains { abs($0.x - Self.x(3)) < 0.05 })
    }

    @Test("A step over 2.5 buckets splits the line; a step of 2 buckets does not")
    func longStepIsAGap() throws {
        let samples = [0.0, 1, 2, 6, 7, 9].map { ChartSample(time: S.time($0), value: 10) }  // steps 1,1,4,1,2 minutes
        let chart = S.chart([ChartSeries(name: "tps", points: samples)])
        let runs = try S.drawnRuns(S.seriesGroup(S.parse(TimeSeriesChartSVG.render(chart)), "tps"))
        #expect(runs.map(\.count) == [3, 3])
        #expect(runs.flatMap { $0 }.allSatisfy { $0.y < ChartAxis.plotBottom })
    }

    @Test("An isolated sample is drawn as a dot, not lost")
    func isolatedSampleIsADot() throws {
        let chart = S.chart([S.series("lag", [nil, nil, 4, nil, 3, 3])])
        let group = try S.seriesGroup(S.parse(TimeSeriesChartSVG.render(chart)), "lag")
        let dots = try S.elements(in: group, "circle")
        #expect(dots.count == 1)
        #expect(abs(S.number(dots[0], "cx") - Self.x(2)) < 0.05)
        #expect(try S.elements(in: group, "path").count == 1)
    }

    @Test("The time axis is exactly the window: data covering half of it leaves empty space")
    func timeAxisIsTheWindow() throws {
        // Samples from minute 0 to 30 in a 60-minute window; the sample at 0 is on the left edge.
        let chart = S.chart([S.series("cpu", [1, 2, 3, 4, 5, 6, 7], every: 5)], unit: "percent")
        let document = try S.parse(TimeSeriesChartSVG.render(chart))
        let points = try S.drawnRuns(S.seriesGroup(document, "cpu")).flatMap { $0 }
        #expect(abs(points.first!.x - ChartAxis.plotLeft) < 0.05)
        #expect(abs(points.last!.x - Self.x(30)) < 0.05)
        let svg = try #require(S.elements(document, "svg").first)
        #expect(S.attribute(svg, "data-start") == String(Int(S.start.timeIntervalSince1970)))
        #expect(S.attribute(svg, "data-end") == String(Int(S.time(60).timeIntervalSince1970)))
        // Time labels are UTC clock times (the window starts on a whole hour).
        let labels = try S.texts(document, class: "xchart__xlabel")
        #expect(labels.first == "12:00" || labels.first?.hasSuffix(":00") == true)
        #expect(labels.count >= 3 && labels.count <= 7)
    }

    @Test("Samples outside the window are not drawn")
    func samplesOutsideTheWindowAreDropped() throws {
        var samples = [ChartSample(time: S.time(-10), value: 100)]
        samples += (0...3).map { ChartSample(time: S.time(Double($0)), value: 2) }
        let document = try S.parse(TimeSeriesChartSVG.render(S.chart([ChartSeries(name: "x", points: samples)])))
        let points = try S.drawnRuns(S.seriesGroup(document, "x")).flatMap { $0 }
        #expect(points.count == 4)
        #expect(points.allSatisfy { $0.x >= ChartAxis.plotLeft && $0.x <= ChartAxis.plotRight })
        // The out-of-window 100 does not stretch the axis either.
        #expect(try S.texts(document, class: "xchart__ylabel").last != "100")
    }

    @Test("Value labels carry the chart's unit and the axis starts at zero", arguments: [
        ("ms", [12.0, 41, 33], " ms"), ("bytes", [300_000.0, 2_000_000], "iB"), ("percent", [12.0, 55], " %"), ("per_second", [3.0, 9], "/s"),
    ])
    func axisLabelsHaveUnits(unit: String, values: [Double], suffix: String) throws {
        let document = try S.parse(TimeSeriesChartSVG.render(S.chart([S.series("a", values.map { $0 })], unit: unit)))
        let labels = try S.texts(document, class: "xchart__ylabel")
        #expect((3...5).contains(labels.count))
        #expect(labels.first?.hasPrefix("0") == true)
        #expect(labels.dropFirst().allSatisfy { $0.contains(suffix) })
    }

    @Test("Hostile series names and titles stay text")
    func hostileNamesAreEscaped() throws {
        let chart = S.chart([S.series(S.hostile, [1, 2, 3]), S.series("b\"&'", [2, 3, 4])], title: S.hostile)
        let markup = TimeSeriesChartSVG.render(chart)
        #expect(!markup.contains("<script"))
        let document = try S.parse(markup)
        // The parser hands back the original text: escaped once, not twice.
        #expect(try S.seriesGroup(document, S.hostile).name != nil)
        #expect(try S.elements(document, "title").first?.stringValue == S.hostile)
        #expect(try S.elements(document, "desc").first?.stringValue?.contains(S.hostile) == true)
    }

    @Test("No drawable sample gives the empty state without a zero line", arguments: [
        [S.series("a", [nil, nil, nil])], [], [ChartSeries(name: "late", points: [ChartSample(time: S.time(90), value: 3)])],
    ])
    func emptyState(series: [ChartSeries]) throws {
        let markup = TimeSeriesChartSVG.render(S.chart(series))
        let document = try S.parse(markup)
        #expect(try S.elements(document, "text").map { $0.stringValue } == [ChartAxis.emptyText])
        #expect(try S.elements(document, "path").isEmpty)
        #expect(try S.elements(document, "line").isEmpty)
        #expect(try S.elements(document, "figcaption").first?.stringValue == "Connections")
    }

    @Test("A legend appears only with more than one series")
    func legendOnlyForSeveralSeries() throws {
        let one = try S.parse(TimeSeriesChartSVG.render(S.chart([S.series("primary", [1, 2])])))
        #expect(try S.elements(one, "g").allSatisfy { S.attribute($0, "class") != "xchart__legend" })
        let two = try S.parse(TimeSeriesChartSVG.render(S.chart([S.series("primary", [1, 2]), S.series("replica", [2, 1])])))
        let legend = try #require(S.elements(two, "g").first { S.attribute($0, "class") == "xchart__legend" })
        #expect(try S.elements(in: legend, "text").map { $0.stringValue } == ["primary", "replica"])
        let swatches = try S.elements(in: legend, "rect").map { S.attribute($0, "fill") }
        #expect(swatches == [ChartPalette.color(for: "primary", index: 0), ChartPalette.color(for: "replica", index: 1)])
        #expect(swatches[0] != swatches[1])
        // The svg grows to hold the legend.
        let svg = try #require(S.elements(two, "svg").first)
        #expect(S.number(svg, "height") > ChartAxis.height)
    }

    @Test("Accessible markup: figure, caption, labelled svg with title and default summary")
    func accessibility() throws {
        let chart = S.chart([S.series("connections", [3, 41, 20, 12])])
        let document = try S.parse(TimeSeriesChartSVG.render(chart))
        let figure = try #require(document.rootElement())
        #expect(figure.name == "figure")
        let svg = try #require(S.elements(document, "svg").first)
        #expect(S.attribute(svg, "role") == "img")
        let titleID = try #require(S.elements(document, "title").first.flatMap { S.attribute($0, "id") })
        #expect(S.attribute(svg, "aria-labelledby") == titleID)
        let desc = try #require(S.elements(document, "desc").first?.stringValue)
        #expect(desc.hasPrefix("Connections, "))
        #expect(desc.hasSuffix(": min 3, max 41, latest 12"))
        #expect(desc.contains("UTC"))
        let custom = S.chart([S.series("c", [1, 2])])
        var described = custom
        described.description = "Connections, Last hour: steady"
        #expect(try S.elements(S.parse(TimeSeriesChartSVG.render(described)), "desc").first?.stringValue == "Connections, Last hour: steady")
    }

    @Test("Hover data: compact points without the missing ones, colour and unit")
    func hoverData() throws {
        let chart = S.chart([S.series("a", [1, nil, 2.5])], unit: "ms")
        let document = try S.parse(TimeSeriesChartSVG.render(chart))
        let group = try S.seriesGroup(document, "a")
        let t0 = Int(S.start.timeIntervalSince1970)
        #expect(S.attribute(group, "data-points") == "\(t0):1,\(t0 + 120):2.5")
        #expect(S.attribute(group, "data-color") == ChartPalette.color(for: "a", index: 0))
        let svg = try #require(S.elements(document, "svg").first)
        #expect(S.attribute(svg, "data-unit") == "ms")
        #expect(S.attribute(svg, "data-bucket") == "60")
        #expect(try S.elements(document, "line").contains { S.attribute($0, "class") == "xchart__cursor" })
    }

    @Test("At most eight lines are drawn")
    func atMostEightSeries() throws {
        let series = (1...10).map { S.series("s\($0)", [Double($0), Double($0)]) }
        let document = try S.parse(TimeSeriesChartSVG.render(S.chart(series)))
        let names = try S.elements(document, "g").compactMap { S.attribute($0, "data-series") }
        #expect(names == (1...8).map { "s\($0)" })
    }

    @Test("Same input, same markup; point order in the input does not matter")
    func deterministic() {
        let values: [Double?] = [3, 1, nil, 4, 1, 5, 9, 2, 6]
        let chart = S.chart([S.series("a", values), S.series("b", values.reversed())])
        #expect(TimeSeriesChartSVG.render(chart) == TimeSeriesChartSVG.render(chart))
        var shuffled = chart
        shuffled.series[0].points.reverse()
        shuffled.series[1].points.swapAt(0, 5)
        #expect(TimeSeriesChartSVG.render(shuffled) == TimeSeriesChartSVG.render(chart))
    }

    @Test("Coordinates have one decimal and there is no inline style")
    func coordinatesAndNoInlineStyle() throws {
        let markup = TimeSeriesChartSVG.render(S.chart([S.series("a", [1.234, 5.678, 2])]))
        #expect(!markup.contains("style="))
        let document = try S.parse(markup)
        let d = try #require(S.elements(document, "path").first.flatMap { S.attribute($0, "d") })
        for token in d.split(separator: " ") {
            let number = token.drop { $0 == "M" || $0 == "L" }
            #expect(number.split(separator: ".").last?.count == 1, "\(token)")
        }
    }
}
