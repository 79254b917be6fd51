import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

@testable import LogstagServer

@Suite("Treemap SVG")
struct TreemapSVGTests {
    typealias S = ChartTestSupport

    static let cells = [
        TreemapCell(label: "orders", group: "public", value: 2_147_483_648, x: 0, y: 0, width: 300, height: 200),
        TreemapCell(label: "events", group: "audit", value: 1_073_741_824, x: 300, y: 0, width: 200, height: 200),
        TreemapCell(label: "tiny", group: "public", value: 1_024, x: 500, y: 0, width: 40, height: 200),
        TreemapCell(label: "Other", group: "audit", value: 4_096, x: 540, y: 0, width: 100, height: 200, isOther: true, count: 12),
    ]

    static func render(_ cells: [TreemapCell] = cells) -> String {
        TreemapSVG.render(id: "sizes", title: "Table sizes", unit: "bytes", width: 640, height: 200, cells: cells)
    }

    /// The cells' own rectangles (the first rect of each cell group).
    static func cellRects(_ document: XMLDocument) throws -> [XMLElement] {
        try S.elements(document, "g").filter { S.attribute($0, "class")?.hasPrefix("xchart__cell") == true }
            .compactMap { try S.elements(in: $0, "rect").first }
    }

    @Test("Every cell lies inside the svg; overflowing cells are clipped, empty ones skipped")
    func cellsInsideTheSVG() throws {
        let overflowing = Self.cells + [
            TreemapCell(label: "wide", group: "public", value: 1, x: 600, y: 150, width: 100, height: 100),
            TreemapCell(label: "flat", group: "public", value: 1, x: 10, y: 10, width: 0, height: 5),
            TreemapCell(label: "broken", group: "public", value: 1, x: .nan, y: 0, width: 5, height: 5),
        ]
        let document = try S.parse(Self.render(overflowing))
        let svg = try #require(S.elements(document, "svg").first)
        let box = try #require(S.attribute(svg, "viewBox")).split(separator: " ").compactMap { Double($0) }
        let rects = try Self.cellRects(document)
        #expect(rects.count == 5)
        for rect in rects {
            let x = S.number(rect, "x"), y = S.number(rect, "y"), width = S.number(rect, "width"), height = S.number(rect, "height")
            #expect(x >= 0 && y >= 0 && width > 0 && height > 0)
            #expect(x + width <= box[2] + 0.05)
            #expect(y + height <= 200.05)  // the cell area; the legend sits below it
        }
        let wide = try #require(rects.last)
        #expect(S.number(wide, "width") == 40 && S.number(wide, "height") == 50)
    }

    @Test("Labels only on cells of at least 60 x 18; every cell has a full tooltip")
    func labelsAndTooltips() throws {
        let document = try S.parse(Self.render())
        #expect(try S.texts(document, class: "xchart__cell-label") == ["orders", "events", "Other"])
        let titles = try S.elements(document, "g").filter { S.attribute($0, "class")?.hasPrefix("xchart__cell") == true }
            .map { try S.elements(in: $0, "title").first?.stringValue }
        #expect(titles == ["orders — public — 2 GiB", "events — audit — 1 GiB", "tiny — public — 1 KiB", "Other — audit — 4 KiB (12 items)"])
        let small = try S.parse(Self.render([TreemapCell(label: "x", group: "g", value: 1, x: 0, y: 0, width: 59, height: 100),
                                            TreemapCell(label: "y", group: "g", value: 1, x: 59, y: 0, width: 100, height: 17)]))
        #expect(try S.texts(small, class: "xchart__cell-label").isEmpty)
    }

    @Test("One colour per group; Other is lighter and hatched; a legend names the groups")
    func coloursAndOther() throws {
        let document = try S.parse(Self.render())
        let fills = try Self.cellRects(document).map { S.attribute($0, "fill") }
        #expect(fills[0] == fills[2])  // both public
        #expect(fills[0] != fills[1])
        #expect(fills[1] == fills[3])  // both audit
        let other = try #require(S.elements(document, "g").first { S.attribute($0, "class") == "xchart__cell xchart__cell--other" })
        let otherRects = try S.elements(in: other, "rect")
        #expect(S.attribute(otherRects[0], "fill-opacity") == "0.45")
        let patternID = try #require(S.elements(document, "pattern").first.flatMap { S.attribute($0, "id") })
        #expect(S.attribute(otherRects[1], "fill") == "url(#\(patternID))")
        let legend = try #require(S.elements(document, "g").first { S.attribute($0, "class") == "xchart__legend" })
        #expect(try S.elements(in: legend, "text").map { $0.stringValue } == ["public", "audit"])
        // No Other cell, no pattern.
        #expect(try S.elements(S.parse(Self.render(Array(Self.cells.prefix(2)))), "pattern").isEmpty)
    }

    @Test("Hostile labels, empty state, determinism")
    func hostileEmptyDeterministic() throws {
        let markup = Self.render([TreemapCell(label: S.hostile, group: S.hostile, value: 5, x: 0, y: 0, width: 640, height: 200)])
        #expect(!markup.contains("<script"))
        let document = try S.parse(markup)
        #expect(try S.texts(document, class: "xchart__cell-label").first == S.hostile)
        let empty = try S.parse(Self.render([]))
        #expect(try S.elements(empty, "text").map { $0.stringValue } == [ChartAxis.emptyText])
        #expect(Self.render() == Self.render())
    }
}
