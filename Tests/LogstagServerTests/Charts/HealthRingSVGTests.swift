import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

@testable import LogstagServer

@Suite("Health ring SVG")
struct HealthRingSVGTests {
    typealias S = ChartTestSupport

    static let dimensions = [
        HealthRingDimension(name: "Performance", weight: 30, score: 90),
        HealthRingDimension(name: "Security", weight: 25, score: 55.4),
        HealthRingDimension(name: "Configuration", weight: 20, score: 70),
        HealthRingDimension(name: "Schema", weight: 15, score: nil),
        HealthRingDimension(name: "Maintenance", weight: 10, score: 100),
    ]

    /// Texts of every element (text, span...) with exactly this class.
    static func texts(_ document: XMLDocument, class name: String) throws -> [String] {
        try document.nodes(forXPath: "//*").compactMap { $0 as? XMLElement }.filter { S.attribute($0, "class") == name }.map { $0.stringValue ?? "" }
    }

    static func arc(_ document: XMLDocument) throws -> XMLElement? {
        try S.elements(document, "circle").first { S.attribute($0, "class") == "health-ring__arc" }
    }

    @Test("The arc covers score % of the circumference, in the band colour; the score and band are written in the middle")
    func arcAndBands() throws {
        for (score, band, color) in [(85.0, "Healthy", "#009E73"), (79.9, "Warning", "#E69F00"), (60, "Warning", "#E69F00"), (59.5, "Critical", "#D55E00")] {
            let document = try S.parse(HealthRingSVG.render(id: "db", score: score, dimensions: Self.dimensions))
            let arc = try #require(try Self.arc(document))
            let dash = (S.attribute(arc, "stroke-dasharray") ?? "").split(separator: " ").compactMap { Double($0) }
            #expect(dash.count == 2)
            #expect(abs(dash[0] / dash[1] - score / 100) < 0.002, "score \(score)")
            #expect(S.attribute(arc, "stroke") == color)
            #expect(try Self.texts(document, class: "health-ring__score") == [String(Int(score.rounded()))])
            #expect(try Self.texts(document, class: "health-ring__band") == [band])
            let figure = try #require(document.rootElement())
            #expect(S.attribute(figure, "class") == "health-ring health-ring--\(band.lowercased())")
        }
    }

    @Test("Scores outside 0-100 are clamped; zero draws no arc")
    func clamped() throws {
        let high = try S.parse(HealthRingSVG.render(id: "db", score: 140, dimensions: []))
        let dash = (S.attribute(try #require(try Self.arc(high)), "stroke-dasharray") ?? "").split(separator: " ").compactMap { Double($0) }
        #expect(abs(dash[0] - dash[1]) < 0.11)
        #expect(try Self.texts(high, class: "health-ring__score") == ["100"])
        let zero = try S.parse(HealthRingSVG.render(id: "db", score: -5, dimensions: []))
        #expect(try Self.arc(zero) == nil)
        #expect(try Self.texts(zero, class: "health-ring__band") == ["Critical"])
    }

    @Test("Pending: grey track, no arc, 'Pending', and a description that says why")
    func pending() throws {
        let document = try S.parse(HealthRingSVG.render(id: "db", score: nil, dimensions: Self.dimensions))
        #expect(try Self.arc(document) == nil)
        #expect(try Self.texts(document, class: "health-ring__band") == ["Pending"])
        #expect(try S.elements(document, "desc").first?.stringValue == "Health score pending: no completed health check yet.")
        #expect(S.attribute(try #require(document.rootElement()), "class") == "health-ring health-ring--pending")
    }

    @Test("Five dimension rows with weight and value; an unevaluated dimension says so; the description reads them all")
    func dimensionRows() throws {
        let document = try S.parse(HealthRingSVG.render(id: "db", score: 72, dimensions: Self.dimensions))
        #expect(try Self.texts(document, class: "health-ring__name") == ["Performance", "Security", "Configuration", "Schema", "Maintenance"])
        let meters = try S.elements(document, "meter")
        #expect(meters.map { S.number($0, "value") } == [90, 55.4, 70, 100])
        #expect(meters.map { S.attribute($0, "aria-label") } == ["Performance: 90 of 100", "Security: 55 of 100", "Configuration: 70 of 100", "Maintenance: 100 of 100"])
        let rows = try S.elements(document, "li").map { S.attribute($0, "class") ?? "" }
        #expect(rows == ["healthy", "critical", "warning", "pending", "healthy"].map { "health-ring__dimension health-ring__dimension--\($0)" })
        #expect(try S.elements(document, "li")[3].stringValue?.contains("not evaluated") == true)
        let description = try S.elements(document, "desc").first?.stringValue
        #expect(description == "Health score 72 of 100: Warning. Performance 90, Security 55, Configuration 70, Schema not evaluated, Maintenance 100.")
        let svg = try #require(try S.elements(document, "svg").first)
        #expect(S.attribute(svg, "role") == "img")
        #expect(S.attribute(svg, "aria-labelledby") == "ring-db-title ring-db-desc")
    }

    @Test("Dimension names are escaped and the output stays well-formed")
    func escaping() throws {
        let markup = HealthRingSVG.render(id: "db", score: 50, dimensions: [HealthRingDimension(name: S.hostile, weight: 10, score: 20)])
        #expect(!markup.contains("<script>"))
        let document = try S.parse(markup)
        #expect(try Self.texts(document, class: "health-ring__name") == [S.hostile])
    }
}
