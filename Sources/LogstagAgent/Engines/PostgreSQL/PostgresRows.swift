/// The result of one query, copied out of libpq in text format.
///
/// Contract: `columns` are the result's column names in order (present even with no rows);
/// every row has exactly `columns.count` values; nil is SQL NULL.
struct PostgresRows: Sendable, Equatable {
    var columns: [String]
    var rows: [[String?]]

    /// The value of `column` in row `index`, nil when NULL or when the column does not exist.
    func value(_ column: String, row index: Int) -> String? {
        guard let position = columns.firstIndex(of: column) else { return nil }
        return rows[index][position]
    }

    /// The first row as a column-name map (empty when there are no rows).
    var firstRow: [String: String?] {
        guard let row = rows.first else { return [:] }
        return Dictionary(uniqueKeysWithValues: zip(columns, row))
    }
}
