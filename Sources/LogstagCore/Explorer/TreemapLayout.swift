/// One object to size in a treemap (a table, an index...), grouped by type.
///
/// Contract: only finite values above zero are drawn.
public struct TreemapItem: Sendable, Equatable {
    public var id: String
    public var label: String
    public var group: String
    public var value: Double

    public init(id: String, label: String, group: String, value: Double) {
        self.id = id
        self.label = label
        self.group = group
        self.value = value
    }
}

/// One rectangle of a laid-out treemap.
///
/// Contract: `width * height` over the whole rectangle's area equals `value` over the total of
/// the drawn values. An "Other" tile (`isOther`) stands for `count` small objects of one group;
/// its id is `TreemapLayout.otherID(group:)` and its label "Other".
public struct TreemapTile: Sendable, Equatable {
    public let id: String
    public let label: String
    public let group: String
    public let value: Double
    public let isOther: Bool
    public let count: Int
    public let x: Double
    public let y: Double
    public let width: Double
    public let height: Double

    public init(
        id: String, label: String, group: String, value: Double, isOther: Bool, count: Int, x: Double, y: Double,
        width: Double, height: Double
    ) {
        self.id = id
        self.label = label
        self.group = group
        self.value = value
        self.isOther = isOther
        self.count = count
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }
}

/// Squarified treemap geometry (Bruls, Huizing, van Wijk 2000) for the schema treemap (reference 2.3).
///
/// Contract: zero, negative and non-finite values are omitted. Within each group, items under
/// `otherShare` of the group's total roll into one "Other" tile when two or more do (a single
/// small item stays itself). Groups are laid out first, largest first (ties by name), then the
/// items inside each group's rectangle, largest first (ties by id) and Other last. Tiles never
/// overlap, stay inside the rectangle and cover it exactly; the tiles of one group cover its
/// group rectangle exactly. An empty or degenerate rectangle gives no tiles.
public enum TreemapLayout {
    public static func otherID(group: String) -> String { "other:\(group)" }

    public static func layout(_ items: [TreemapItem], width: Double, height: Double, otherShare: Double = 0.0025) -> [TreemapTile] {
        guard width.isFinite, height.isFinite, width > 0, height > 0 else { return [] }
        let drawn = items.filter { $0.value.isFinite && $0.value > 0 }
        let groups = Dictionary(grouping: drawn, by: \.group)
            .map { name, members in (name: name, members: members, total: members.reduce(0) { $0 + $1.value }) }
            .sorted { $0.total != $1.total ? $0.total > $1.total : $0.name < $1.name }
        let groupRects = squarify(groups.map(\.total), in: Rect(x: 0, y: 0, width: width, height: height))
        var tiles: [TreemapTile] = []
        for (group, rect) in zip(groups, groupRects) {
            let entries = rolledUp(group.members, group: group.name, total: group.total, otherShare: otherShare)
            for (entry, tileRect) in zip(entries, squarify(entries.map(\.value), in: rect)) {
                tiles.append(
                    TreemapTile(
                        id: entry.id, label: entry.label, group: group.name, value: entry.value, isOther: entry.isOther,
                        count: entry.count, x: tileRect.x, y: tileRect.y, width: tileRect.width, height: tileRect.height))
            }
        }
        return tiles
    }

    private struct Entry {
        var id: String
        var label: String
        var value: Double
        var isOther: Bool
        var count: Int
    }

    /// The group's items largest first, with the small ones rolled into a trailing "Other".
    private static func rolledUp(_ members: [TreemapItem], group: String, total: Double, otherShare: Double) -> [Entry] {
        let threshold = total * max(otherShare, 0)
        let small = members.filter { $0.value < threshold }
        let kept = small.count >= 2 ? members.filter { $0.value >= threshold } : members
        var entries = kept.sorted { $0.value != $1.value ? $0.value > $1.value : $0.id < $1.id }
            .map { Entry(id: $0.id, label: $0.label, value: $0.value, isOther: false, count: 1) }
        if small.count >= 2 {
            entries.append(
                Entry(
                    id: otherID(group: group), label: "Other", value: small.reduce(0) { $0 + $1.value }, isOther: true,
                    count: small.count))
        }
        return entries
    }

    struct Rect {
        var x: Double
        var y: Double
        var width: Double
        var height: Double
    }

    /// Rectangles for `values` (in order) filling `rect`, built row by row: a value joins the
    /// current row while that does not worsen the row's worst aspect ratio.
    static func squarify(_ values: [Double], in rect: Rect) -> [Rect] {
        let total = values.reduce(0, +)
        guard total > 0, rect.width > 0, rect.height > 0 else { return values.map { _ in Rect(x: rect.x, y: rect.y, width: 0, height: 0) } }
        let scale = rect.width * rect.height / total
        let areas = values.map { $0 * scale }
        var result: [Rect] = []
        var remaining = rect
        var row: [Double] = []
        var index = 0
        while index < areas.count {
            let side = min(remaining.width, remaining.height)
            let candidate = row + [areas[index]]
            if row.isEmpty || worstRatio(candidate, side: side) <= worstRatio(row, side: side) {
                row = candidate
                index += 1
            } else {
                result += place(row, in: &remaining, isLast: false)
                row = []
            }
        }
        if !row.isEmpty { result += place(row, in: &remaining, isLast: true) }
        return result
    }

    /// The worst aspect ratio of a row of `areas` laid along a side of length `side`.
    private static func worstRatio(_ areas: [Double], side: Double) -> Double {
        let sum = areas.reduce(0, +)
        guard let largest = areas.max(), let smallest = areas.min(), sum > 0, smallest > 0 else { return .infinity }
        let sideSquared = side * side
        let sumSquared = sum * sum
        return max(sideSquared * largest / sumSquared, sumSquared / (sideSquared * smallest))
    }

    /// Lays a row along the shorter side of `rect` and shrinks `rect` to what is left. The last
    /// item of a row, and the last row, end exactly on the edge so rounding leaves no gap.
    private static func place(_ row: [Double], in rect: inout Rect, isLast: Bool) -> [Rect] {
        let sum = row.reduce(0, +)
        var rects: [Rect] = []
        if rect.width >= rect.height {
            // A column on the left, items stacked top to bottom.
            let columnWidth = isLast ? rect.width : min(sum / rect.height, rect.width)
            var y = rect.y
            for (offset, area) in row.enumerated() {
                let height = offset == row.count - 1 ? rect.y + rect.height - y : area / columnWidth
                rects.append(Rect(x: rect.x, y: y, width: columnWidth, height: height))
                y += height
            }
            rect = Rect(x: rect.x + columnWidth, y: rect.y, width: rect.width - columnWidth, height: rect.height)
        } else {
            // A row along the top, items left to right.
            let rowHeight = isLast ? rect.height : min(sum / rect.width, rect.height)
            var x = rect.x
            for (offset, area) in row.enumerated() {
                let width = offset == row.count - 1 ? rect.x + rect.width - x : area / rowHeight
                rects.append(Rect(x: x, y: rect.y, width: width, height: rowHeight))
                x += width
            }
            rect = Rect(x: rect.x, y: rect.y + rowHeight, width: rect.width, height: rect.height - rowHeight)
        }
        return rects
    }
}
