import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

@testable import LogstagServer

/// Shared fixtures and XML helpers for the explorer chart tests: the markup is parsed as XML, so
/// a test that reads an element also proves the output is well-formed.
enum ChartTestSupport {
    static let hostile = "<script>alert('x')</script>"
    /// 2026-09-21 14:00:00 UTC: a whole hour, so time ticks land on round minutes.
    static let start = Date(timeIntervalSince1970: 1_790_000_000 - 1_790_000_000.truncatingRemainder(dividingBy: 3600))

    static func time(_ minutes: Double) -> Date { start.addingTimeInterval(minutes * 60) }

    /// A series with one sample per minute from minute 0 (nil = missing).
    static func series(_ name: String, _ values: [Double?], every minutes: Double = 1) -> ChartSeries {
        ChartSeries(name: name, points: values.enumerated().map { ChartSample(time: time(Double($0) * minutes), value: $1) })
    }

    static func chart(_ series: [ChartSeries], unit: String = "count", title: String = "Connections", minutes: Double = 60, bucket: TimeInterval = 60) -> TimeSeriesChart {
        TimeSeriesChart(id: "connections", title: title, unit: unit, series: series, windowStart: start, windowEnd: time(minutes), bucket: bucket)
    }

    static func parse(_ markup: String) throws -> XMLDocument {
        try XMLDocument(xmlString: markup, options: [])
    }

    /// Elements by local name anywhere in the document (the svg's children are in the SVG namespace).
    static func elements(_ document: XMLDocument, _ name: String) throws -> [XMLElement] {
        try document.nodes(forXPath: "//*[local-name()='\(name)']").compactMap { $0 as? XMLElement }
    }

    static func elements(in element: XMLElement, _ name: String) throws -> [XMLElement] {
        try element.nodes(forXPath: ".//*[local-name()='\(name)']").compactMap { $0 as? XMLElement }
    }

    /// An attribute by name. (swift-corelibs' `attribute(forName:)` misses attributes of elements in
    /// a default namespace, such as everything inside the svg, so the list is searched instead.)
    static func attribute(_ element: XMLElement, _ name: String) -> String? {
        element.attributes?.first { $0.name == name }?.stringValue
    }

    static func number(_ element: XMLElement, _ name: String) -> Double { Double(attribute(element, name) ?? "") ?? .nan }

    /// The `<g data-series>` of one series.
    static func seriesGroup(_ document: XMLDocument, _ name: String) throws -> XMLElement {
        let groups = try elements(document, "g").filter { attribute($0, "data-series") == name }
        return try #require(groups.first)
    }

    /// "M1 2 L3 4 M5 6 L7 8 Z" -> [[(1,2),(3,4)],[(5,6),(7,8)]].
    static func subpaths(_ d: String) -> [[(x: Double, y: Double)]] {
        var result: [[(x: Double, y: Double)]] = []
        let tokens = d.split(separator: " ").map(String.init)
        var index = 0
        while index < tokens.count {
            var token = tokens[index]
            if token == "Z" {
                index += 1
                continue
            }
            let command = token.removeFirst()
            let point = (x: Double(token)!, y: Double(tokens[index + 1])!)
            if command == "M" { result.append([point]) } else { result[result.count - 1].append(point) }
            index += 2
        }
        return result
    }

    /// Every line segment run drawn for a series: its paths' subpaths plus its dots and single-bucket bars.
    static func drawnRuns(_ group: XMLElement) throws -> [[(x: Double, y: Double)]] {
        let paths = try elements(in: group, "path").flatMap { subpaths(attribute($0, "d") ?? "") }
        let dots = try elements(in: group, "circle").map { [(x: number($0, "cx"), y: number($0, "cy"))] }
        let bars = try elements(in: group, "line").map { [(x: number($0, "x1"), y: number($0, "y1")), (x: number($0, "x2"), y: number($0, "y2"))] }
        return paths + dots + bars
    }

    static func texts(_ document: XMLDocument, class name: String) throws -> [String] {
        try elements(document, "text").filter { attribute($0, "class") == name }.map { $0.stringValue ?? "" }
    }
}
