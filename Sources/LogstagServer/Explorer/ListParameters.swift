import Foundation

/// The table parameters every explorer list shares, parsed from the query string: `sort` (one
/// of the list's own keys), `order` (asc|desc), `limit` (1...200) and `offset` (>= 0).
///
/// Contract: an absent or empty parameter is nil (the list keeps its default); anything else
/// that is not valid is a 400 naming the parameter and what it accepts.
enum ListParameters {
    static let maxLimit = 200

    static func sort<Sort: RawRepresentable & CaseIterable>(_ query: [String: String], as type: Sort.Type) throws -> Sort?
    where Sort.RawValue == String {
        guard let text = query["sort"], !text.isEmpty else { return nil }
        guard let value = Sort(rawValue: text) else {
            throw AppError.badRequest("invalid_sort", "sort must be one of \(Sort.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return value
    }

    /// true for descending.
    static func descending(_ query: [String: String]) throws -> Bool? {
        guard let order = query["order"], !order.isEmpty else { return nil }
        guard order == "asc" || order == "desc" else { throw AppError.badRequest("invalid_order", "order must be asc or desc.") }
        return order == "desc"
    }

    static func limit(_ query: [String: String]) throws -> Int? {
        guard let limit = query["limit"], !limit.isEmpty else { return nil }
        guard let value = Int(limit), (1...maxLimit).contains(value) else {
            throw AppError.badRequest("invalid_limit", "limit must be a whole number from 1 to \(maxLimit).")
        }
        return value
    }

    static func offset(_ query: [String: String]) throws -> Int? {
        guard let offset = query["offset"], !offset.isEmpty else { return nil }
        guard let value = Int(offset), value >= 0 else { throw AppError.badRequest("invalid_offset", "offset must be a whole number of 0 or more.") }
        return value
    }
}
