import Foundation

/// Series colours for the explorer charts.
///
/// Contract: pure; `color(for:index:)` returns a `#rrggbb` presentation-attribute value. Known
/// categories (session states, wait categories) always get their fixed colour, whatever their
/// position, so "Idle in Transaction" looks the same on every page; other series take the
/// Okabe-Ito palette (distinguishable with the common colour-vision deficiencies) by index,
/// cycling after eight.
enum ChartPalette {
    /// Okabe-Ito, reordered so the first colours have the most contrast on white; its yellow is
    /// last because thin yellow lines are hard to see on a white plot.
    static let series = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#4D4D4D", "#F0E442"]

    /// Neutral for "Other": it must not compete with the named categories.
    static let other = "#A3A3A3"

    /// Session states (Activity Explorer) and wait categories (Query and Activity explorers).
    /// Keys are normalised names (lowercase letters and digits only), so "Idle in transaction",
    /// "idle_in_transaction" and "IdleInTransaction" share a colour.
    static let fixed: [String: String] = [
        // Session states: warm colours for the states that deserve attention.
        "active": "#009E73",
        "idle": "#56B4E9",
        "idleintransaction": "#E69F00",
        "idleintransactionaborted": "#E69F00",
        "waitingforlock": "#D55E00",
        // Wait categories.
        "locks": "#D55E00",
        "lock": "#D55E00",
        "lwlocks": "#CC79A7",
        "lwlock": "#CC79A7",
        "io": "#0072B2",
        "client": "#56B4E9",
        // Shared by both families.
        "other": other,
    ]

    static func color(for seriesName: String, index: Int) -> String {
        if let known = fixed[normalized(seriesName)] { return known }
        let count = series.count
        return series[((index % count) + count) % count]
    }

    /// Text colour that stays readable on top of `background` (a `#rrggbb` fill): dark on light
    /// fills (yellow, sky blue), white on dark ones.
    static func textColor(on background: String) -> String {
        let hex = background.hasPrefix("#") ? String(background.dropFirst()) : background
        guard hex.count == 6, let rgb = Int(hex, radix: 16) else { return "#172033" }
        let red = Double((rgb >> 16) & 0xFF), green = Double((rgb >> 8) & 0xFF), blue = Double(rgb & 0xFF)
        let luma = 0.299 * red + 0.587 * green + 0.114 * blue
        return luma > 150 ? "#172033" : "#ffffff"
    }

    static func normalized(_ name: String) -> String {
        String(name.lowercased().unicodeScalars.filter { ("a"..."z").contains($0) || ("0"..."9").contains($0) }.map(Character.init))
    }
}
