import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

@testable import LogstagServer

@Suite("Bar chart SVG")
struct BarChartSVGTests {
    typealias S = ChartTestSupport

    static let items = [
        BarItem(label: "orders", value: 3_000, href: "/queries/q1"),
        BarItem(label: "events", value: 12_000, href: "javascript:alert(1)"),
        BarItem(label: "users", value: 1_500, href: nil),
    ]

    @Test("Bars keep the given order, values right via UnitFormat, lengths proportional to the largest")
    func orderAndValues() throws {
        let document = try S.parse(BarChartSVG.render(id: "top", title: "Time by query", unit: "ms", items: Self.items))
        #expect(try S.texts(document, class: "xchart__bar-label") == ["orders", "events", "users"])
        #expect(try S.texts(document, class: "xchart__bar-value") == ["3 s", "12 s", "1.5 s"])
        let widths = try S.elements(document, "rect").map { S.number($0, "width") }
        let full = BarChartSVG.barRight - BarChartSVG.barLeft
        #expect(abs(widths[1] - full) < 0.05)
        #expect(abs(widths[0] - full / 4) < 0.05)
        #expect(abs(widths[2] - full / 8) < 0.05)
    }

    @Test("Safe links wrap their bar; unsafe ones are dropped; links make the svg a group")
    func links() throws {
        let markup = BarChartSVG.render(id: "top", title: "Time by query", unit: "ms", items: Self.items)
        #expect(!markup.contains("javascript:"))
        let document = try S.parse(markup)
        let links = try S.elements(document, "a")
        #expect(links.map { S.attribute($0, "href") } == ["/queries/q1"])
        #expect(try S.elements(in: links[0], "text").first?.stringValue == "orders")
        #expect(S.attribute(links[0], "aria-label") == "orders: 3 s")
        #expect(try S.elements(document, "svg").first.flatMap { S.attribute($0, "role") } == "group")
        let plain = try S.parse(BarChartSVG.render(id: "top", title: "t", unit: "ms", items: [BarItem(label: "a", value: 1)]))
        #expect(try S.elements(plain, "svg").first.flatMap { S.attribute($0, "role") } == "img")
        #expect(try S.elements(plain, "a").isEmpty)
    }

    @Test("At most twenty bars")
    func atMostTwentyBars() throws {
        let items = (1...30).map { BarItem(label: "t\($0)", value: Double(100 - $0)) }
        let document = try S.parse(BarChartSVG.render(id: "top", title: "Tables", unit: "bytes", items: items))
        #expect(try S.texts(document, class: "xchart__bar-label") == (1...20).map { "t\($0)" })
    }

    @Test("Hostile labels and links stay text; long labels are cut but kept whole in the tooltip")
    func escaping() throws {
        let long = String(repeating: "very_long_table_name_", count: 4)
        let items = [BarItem(label: S.hostile, value: 2, href: "/t?name=\"><script>"), BarItem(label: long, value: 1)]
        let markup = BarChartSVG.render(id: S.hostile, title: S.hostile, unit: "count", items: items)
        #expect(!markup.contains("<script"))
        let document = try S.parse(markup)
        #expect(try S.elements(document, "a").first.flatMap { S.attribute($0, "href") } == "/t?name=\"><script>")
        let labels = try S.texts(document, class: "xchart__bar-label")
        #expect(labels[0] == S.hostile)
        #expect(labels[1].count == BarChartSVG.labelLimit)
        #expect(try S.elements(document, "title").contains { $0.stringValue == long + ": 1" })
    }

    @Test("Negative and non-finite values draw no bar; no items give the empty state")
    func edgeValues() throws {
        let document = try S.parse(BarChartSVG.render(id: "b", title: "t", unit: "count", items: [
            BarItem(label: "a", value: 4), BarItem(label: "b", value: -2), BarItem(label: "c", value: .nan),
        ]))
        #expect(try S.elements(document, "rect").map { S.number($0, "width") }.dropFirst() == [0, 0])
        #expect(try S.texts(document, class: "xchart__bar-value") == ["4", "-2", "—"])
        let empty = try S.parse(BarChartSVG.render(id: "b", title: "t", unit: "count", items: []))
        #expect(try S.elements(empty, "text").map { $0.stringValue } == [ChartAxis.emptyText])
        #expect(BarChartSVG.render(id: "b", title: "t", unit: "ms", items: Self.items) == BarChartSVG.render(id: "b", title: "t", unit: "ms", items: Self.items))
    }
}
