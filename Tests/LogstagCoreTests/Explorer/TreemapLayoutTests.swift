import Testing
import LogstagCore

struct TreemapLayoutTests {
    static let width = 800.0
    static let height = 500.0

    static func item(_ id: String, _ group: String, _ value: Double) -> TreemapItem {
        TreemapItem(id: id, label: id.uppercased(), group: group, value: value)
    }

    /// A schema-like mix: a few large tables, many mid-size indexes, two views.
    static let mixed: [TreemapItem] =
        [item("orders", "table", 5_000), item("customers", "table", 1_200), item("audit", "table", 700)]
        + (1...12).map { item("idx\($0)", "index", Double(40 * $0)) }
        + [item("v_sales", "view", 90), item("v_stock", "view", 30)]

    static func area(_ tile: TreemapTile) -> Double { tile.width * tile.height }

    static func overlap(_ a: TreemapTile, _ b: TreemapTile) -> Double {
        let width = min(a.x + a.width, b.x + b.width) - max(a.x, b.x)
        let height = min(a.y + a.height, b.y + b.height) - max(a.y, b.y)
        return max(width, 0) * max(height, 0)
    }

    @Test func tileAreasAreProportionalToValues() {
        let tiles = TreemapLayout.layout(Self.mixed, width: Self.width, height: Self.height)
        let totalArea = Self.width * Self.height
        let totalValue = Self.mixed.reduce(0) { $0 + $1.value }
        #expect(tiles.count == Self.mixed.count)
        #expect(abs(tiles.reduce(0) { $0 + Self.area($1) } - totalArea) <= totalArea * 1e-6)
        for tile in tiles {
            #expect(abs(Self.area(tile) / totalArea - tile.value / totalValue) <= 1e-6, "\(tile.id)")
            #expect(tile.value == Self.mixed.first { $0.id == tile.id }?.value)
        }
    }

    @Test func tilesStayInsideAndNeverOverlap() {
        let tiles = TreemapLayout.layout(Self.mixed, width: Self.width, height: Self.height)
        let epsilon = 1e-9
        for tile in tiles {
            #expect(tile.x >= -epsilon && tile.y >= -epsilon, "\(tile.id)")
            #expect(tile.x + tile.width <= Self.width + epsilon, "\(tile.id)")
            #expect(tile.y + tile.height <= Self.height + epsilon, "\(tile.id)")
            #expect(tile.width > 0 && tile.height > 0, "\(tile.id)")
        }
        for (index, tile) in tiles.enumerated() {
            for other in tiles[(index + 1)...] {
                #expect(Self.overlap(tile, other) <= 1e-6, "\(tile.id) overlaps \(other.id)")
            }
        }
    }

    @Test func eachGroupFillsOneRectangleSizedByItsTotal() {
        let tiles = TreemapLayout.layout(Self.mixed, width: Self.width, height: Self.height)
        let totalValue = Self.mixed.reduce(0) { $0 + $1.value }
        for group in ["table", "index", "view"] {
            let members = tiles.filter { $0.group == group }
            let minX = members.map(\.x).min()!, minY = members.map(\.y).min()!
            let maxX = members.map { $0.x + $0.width }.max()!, maxY = members.map { $0.y + $0.height }.max()!
            let boundingArea = (maxX - minX) * (maxY - minY)
            let groupValue = Self.mixed.filter { $0.group == group }.reduce(0) { $0 + $1.value }
            // The bounding box holds nothing else: the group's tiles are one rectangle.
            #expect(abs(boundingArea - members.reduce(0) { $0 + Self.area($1) }) <= 1e-6 * boundingArea, "\(group)")
            #expect(abs(boundingArea / (Self.width * Self.height) - groupValue / totalValue) <= 1e-6, "\(group)")
        }
    }

    @Test func largestComesFirstWithinAGroup() {
        let tiles = TreemapLayout.layout(Self.mixed, width: Self.width, height: Self.height)
        #expect(tiles.first?.id == "orders")
        let indexValues = tiles.filter { $0.group == "index" }.map(\.value)
        #expect(indexValues == indexValues.sorted(by: >))
    }

    @Test func smallItemsOfAGroupRollIntoOther() throws {
        // 10 and 20 are each under 0.25 % of the table group's 10,030; the 5-byte view is alone
        // in its group, so it is 100 % of that group and stays.
        let items = [
            Self.item("big", "table", 10_000), Self.item("tiny1", "table", 10), Self.item("tiny2", "table", 20),
            Self.item("lonely", "view", 5),
        ]
        let tiles = TreemapLayout.layout(items, width: Self.width, height: Self.height)
        #expect(tiles.map(\.id) == ["big", TreemapLayout.otherID(group: "table"), "lonely"])
        let other = try #require(tiles.first { $0.isOther })
        #expect(other.label == "Other")
        #expect(other.group == "table")
        #expect(other.count == 2)
        #expect(other.value == 30)
        #expect(tiles.filter { !$0.isOther }.allSatisfy { $0.count == 1 })
        let totalArea = Self.width * Self.height
        #expect(abs(Self.area(other) / totalArea - 30.0 / 10_035) <= 1e-6)
    }

    @Test func exactlyOneSmallItemStaysItself() {
        let items = [Self.item("big", "table", 10_000), Self.item("tiny", "table", 10), Self.item("mid", "table", 500)]
        let tiles = TreemapLayout.layout(items, width: Self.width, height: Self.height)
        #expect(tiles.map(\.id) == ["big", "mid", "tiny"])
        #expect(!tiles.contains { $0.isOther })
    }

    @Test func otherComesLastEvenWhenLargerThanSomeItems() {
        // Threshold 0.25 % of 100,700 = 251.75: "mid" (300) stays, the 400 items of 1 roll up and
        // together (400) outweigh "mid", yet Other is still drawn last.
        let items = [Self.item("huge", "table", 100_000), Self.item("mid", "table", 300)]
            + (1...400).map { Self.item("t\($0)", "table", 1) }
        let tiles = TreemapLayout.layout(items, width: Self.width, height: Self.height)
        #expect(tiles.map(\.id) == ["huge", "mid", TreemapLayout.otherID(group: "table")])
        #expect(tiles.last?.count == 400)
    }

    @Test func zeroNegativeAndNonFiniteValuesAreOmitted() {
        let items = [
            Self.item("a", "table", 100), Self.item("zero", "table", 0), Self.item("negative", "table", -5),
            Self.item("nan", "table", .nan), Self.item("infinite", "index", .infinity), Self.item("b", "index", 50),
        ]
        let tiles = TreemapLayout.layout(items, width: Self.width, height: Self.height)
        #expect(Set(tiles.map(\.id)) == ["a", "b"])
        #expect(TreemapLayout.layout([Self.item("zero", "table", 0)], width: 10, height: 10).isEmpty)
    }

    @Test func singleItemFillsTheRectangle() throws {
        let tiles = TreemapLayout.layout([Self.item("only", "table", 42)], width: 300, height: 120)
        let tile = try #require(tiles.first)
        #expect(tiles.count == 1)
        #expect((tile.x, tile.y, tile.width, tile.height) == (0, 0, 300, 120))
    }

    @Test func hundredEqualItemsStayNearlySquare() {
        let items = (1...100).map { Self.item("o\($0)", "table", 7) }
        for (width, height) in [(800.0, 500.0), (500.0, 800.0), (1000.0, 1000.0)] {
            let tiles = TreemapLayout.layout(items, width: width, height: height)
            #expect(tiles.count == 100)
            let worst = tiles.map { max($0.width / $0.height, $0.height / $0.width) }.max() ?? .infinity
            #expect(worst < 3, "\(width)x\(height): \(worst)")
        }
    }

    @Test func degenerateRectangleHasNoTiles() {
        #expect(TreemapLayout.layout(Self.mixed, width: 0, height: 100).isEmpty)
        #expect(TreemapLayout.layout(Self.mixed, width: 100, height: -1).isEmpty)
        #expect(TreemapLayout.layout([], width: 100, height: 100).isEmpty)
    }
}
