import Foundation

/// A fast pre-check of raw JSON bytes, run before `JSONDecoder` sees them.
///
/// Contract: `check` scans the bytes once, skipping string contents (including escaped quotes),
/// and throws `too_deep` as soon as arrays/objects nest deeper than `maxDepth` (`[[1]]` has
/// depth 2). It does not otherwise validate JSON; the decoder does that afterwards.
public enum JSONShape {
    public static func check(_ data: Data, maxDepth: Int = WireLimits.maxDepth) throws(ValidationError) {
        var depth = 0
        var inString = false
        var escaped = false
        for byte in data {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > maxDepth {
                    throw ValidationError(
                        code: "too_deep", field: nil, message: "The JSON body nests arrays and objects more than \(maxDepth) levels deep.")
                }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
            default:
                break
            }
        }
    }
}
