import Foundation

/// Turns a `SchemaInventory` dictionary into the fields of the partial
/// `explorer_schema_inventory.mustache` (count tiles, formatted sizes, the treemap SVG, the
/// objects table). Used by the Schema Explorer's Overview and the Database Explorer's Schema tab
/// as `{{#inventory}}{{> explorer_schema_inventory}}{{/inventory}}`.
///
/// Contract: pure; missing figures print "—"; the treemap is drawn from the inventory's own
/// layout (no second layout pass), so the page and the API show the same rectangles.
enum SchemaInventoryView {
    static func fields(_ inventory: [String: Any]) -> [String: Any] {
        let counts = inventory["counts"] as? [String: Int] ?? [:]
        let tiles: [[String: Any]] = [
            ("Tables", "tables"), ("Indexes", "indexes"), ("Views", "views"), ("Functions", "functions"), ("Sequences", "sequences"),
        ].map { label, key in ["label": label, "value": UnitFormat.count(Double(counts[key] ?? 0))] }
        let objects = inventory["objects"] as? [[String: Any]] ?? []
        let total = inventory["objects_total"] as? Int ?? objects.count
        let treemap = inventory["treemap"] as? [String: Any] ?? [:]
        let cells = (treemap["tiles"] as? [[String: Any]] ?? []).map { tile in
            TreemapCell(
                label: tile["label"] as? String ?? "", group: tile["group"] as? String ?? "", value: tile["value"] as? Double ?? 0,
                x: tile["x"] as? Double ?? 0, y: tile["y"] as? Double ?? 0, width: tile["width"] as? Double ?? 0,
                height: tile["height"] as? Double ?? 0, isOther: tile["is_other"] as? Bool ?? false, count: tile["count"] as? Int ?? 1)
        }
        let stale = inventory["stale_statistics"] as? Int ?? 0
        var fields: [String: Any] = [
            "tiles": tiles,
            "totalText": UnitFormat.bytes(inventory["total_bytes"] as? Double ?? 0),
            // Sections treat "" as true: absent values are NSNull, which also stops the lookup in outer contexts.
            "collectedAt": orNull(inventory["collected_at"] as? String),
            "noDataReason": orNull(inventory["no_data_reason"] as? String),
            "hasObjects": !objects.isEmpty,
            "staleText": stale == 0 ? NSNull() as Any : "\(stale) table\(stale == 1 ? "" : "s") with statistics older than 90 days or never analysed",
            "objectsNote": total > objects.count ? "Showing the \(objects.count) largest of \(total) objects." as Any : NSNull(),
            "treemap": TreemapSVG.render(
                id: "schema-treemap", title: "Object sizes by type", unit: "bytes", width: treemap["width"] as? Double ?? SchemaInventory.treemapWidth,
                height: treemap["height"] as? Double ?? SchemaInventory.treemapHeight, cells: cells),
        ]
        fields["objects"] = objects.map { object -> [String: Any] in
            let status = object["status"] as? String ?? ""
            return [
                "name": object["name"] as? String ?? "", "type": object["type"] as? String ?? "", "schema": object["schema"] as? String ?? "",
                "status": status, "statusClass": status == "OK" ? "neutral" : (status == "Invalid" ? "danger" : "issues"),
                "stale": object["stale_statistics"] as? Bool ?? false,
                "lastAnalyzed": object["last_analyzed"] as? String ?? "never",
                "rowsText": (object["rows"] as? Double).map { UnitFormat.count($0) } ?? "—",
                "sizeText": (object["size_bytes"] as? Double).map { UnitFormat.bytes($0) } ?? "—",
            ]
        }
        return fields
    }

    /// A text for a section: NSNull when absent or empty.
    static func orNull(_ text: String?) -> Any {
        guard let text, !text.isEmpty else { return NSNull() }
        return text
    }
}
