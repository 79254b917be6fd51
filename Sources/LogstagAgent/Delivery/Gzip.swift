import CZlib
import Foundation

/// gzip (RFC 1952) through zlib, for request bodies (`Content-Encoding: gzip`).
///
/// Contract: `compress` output is a complete gzip member any gzip reader accepts, and the
/// same input and level always give the same bytes; `decompress` stops with `.tooLarge` as
/// soon as the output would exceed `limit`, so a hostile input cannot exhaust memory.
enum Gzip {
    enum Failure: Error, Equatable {
        case zlib(code: Int32)
        case tooLarge
    }

    static func compress(_ data: Data, level: Int32 = 6) throws(Failure) -> Data {
        var stream = z_stream()
        let initCode = logstag_deflate_init_gzip(&stream, level)
        guard initCode == Z_OK else { throw .zlib(code: initCode) }
        defer { deflateEnd(&stream) }
        // deflateBound is the worst case for a single Z_FINISH call (plus the gzip header).
        let capacity = Int(deflateBound(&stream, uLong(data.count))) + 32
        var output = Data(count: capacity)
        let code: Int32 = data.withUnsafeBytes { input in
            output.withUnsafeMutableBytes { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = out.bindMemory(to: Bytef.self).baseAddress
                stream.avail_out = uInt(out.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard code == Z_STREAM_END else { throw .zlib(code: code) }
        output.count = Int(stream.total_out)
        return output
    }

    static func decompress(_ data: Data, limit: Int) throws(Failure) -> Data {
        var stream = z_stream()
        let initCode = logstag_inflate_init_gzip(&stream)
        guard initCode == Z_OK else { throw .zlib(code: initCode) }
        defer { inflateEnd(&stream) }
        var output = Data()
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        let result: Result<Data, Failure> = data.withUnsafeBytes { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
            stream.avail_in = uInt(input.count)
            while true {
                let (code, produced) = chunk.withUnsafeMutableBufferPointer { buffer in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = uInt(buffer.count)
                    let code = inflate(&stream, Z_NO_FLUSH)
                    return (code, buffer.count - Int(stream.avail_out))
                }
                guard code == Z_OK || code == Z_STREAM_END else {
                    return .failure(.zlib(code: code == Z_BUF_ERROR ? Z_DATA_ERROR : code))
                }
                guard output.count + produced <= limit else { return .failure(.tooLarge) }
                output.append(contentsOf: chunk[0..<produced])
                if code == Z_STREAM_END { return .success(output) }
            }
        }
        return try result.get()
    }
}
