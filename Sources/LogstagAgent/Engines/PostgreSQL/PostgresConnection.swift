import CLibPQ
import Foundation

/// The one owner of a libpq connection handle: opens it from keyword/value parameters, runs
/// text-mode queries and closes it.
///
/// Contract: raw libpq pointers never leave this type. `open` uses `PQconnectdbParams` with
/// `expand_dbname = 0`, so no value is ever parsed as a connection string and the password
/// travels only in its own parameter (its C copy is zeroed after the call). Query results
/// are fully copied into `PostgresRows` before the `PGresult` is freed. Server NOTICEs are
/// dropped instead of being printed to stderr. Not thread-safe: one caller at a time.
final class PostgresConnection {
    private var handle: OpaquePointer?

    private init(handle: OpaquePointer) {
        self.handle = handle
    }

    deinit { close() }

    /// Connects with `parameters` (libpq keywords and values, e.g. `("host", "db1")`).
    static func open(_ parameters: PostgresConnectionParameters) throws(PostgresConnectError) -> PostgresConnection {
        let pairs = parameters.keywordValuePairs
        // strdup'd copies live exactly as long as the PQconnectdbParams call.
        let keywords: [UnsafeMutablePointer<CChar>?] = pairs.map { strdup($0.keyword) } + [nil]
        let values: [UnsafeMutablePointer<CChar>?] = pairs.map { strdup($0.value) } + [nil]
        defer {
            for pointer in keywords { free(pointer) }
            for pointer in values {
                if let pointer { memset(pointer, 0, strlen(pointer)) }
                free(pointer)
            }
        }
        let connection = keywords.map { UnsafePointer($0) }.withUnsafeBufferPointer { keywordBuffer in
            values.map { UnsafePointer($0) }.withUnsafeBufferPointer { valueBuffer in
                PQconnectdbParams(keywordBuffer.baseAddress, valueBuffer.baseAddress, 0)
            }
        }
        guard let connection else {
            throw PostgresConnectError(message: "libpq could not allocate a connection (out of memory).", neededPassword: false)
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let error = PostgresConnectError(
                message: Self.trimmed(PQerrorMessage(connection)), neededPassword: PQconnectionNeedsPassword(connection) == 1)
            PQfinish(connection)
            throw error
        }
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        return PostgresConnection(handle: connection)
    }

    /// Whether libpq still considers the connection usable. libpq only notices a broken
    /// connection when an operation fails, so this is checked after errors.
    var isBroken: Bool {
        guard let handle else { return true }
        return PQstatus(handle) == CONNECTION_BAD
    }

    /// `server_version_num` of the connected server (e.g. 150020), 0 when closed.
    var serverVersionNumber: Int {
        guard let handle else { return 0 }
        return Int(PQserverVersion(handle))
    }

    /// The process id of this session's backend.
    var backendPID: Int {
        guard let handle else { return 0 }
        return Int(PQbackendPID(handle))
    }

    /// A parameter the server reported at startup or on change (`standard_conforming_strings`, ...).
    func parameterStatus(_ name: String) -> String? {
        guard let handle, let value = PQparameterStatus(handle, name) else { return nil }
        return String(cString: value)
    }

    /// Runs one statement with text parameters (`$1`, `$2`, ...) and returns its rows as text.
    /// `PQexecParams` accepts a single statement only, which keeps manifest SQL from
    /// smuggling a second command.
    @discardableResult
    func query(_ sql: String, parameters: [String?] = []) throws(PostgresQueryError) -> PostgresRows {
        guard let handle else {
            throw PostgresQueryError(sqlState: nil, message: "The connection is closed.", connectionLost: true)
        }
        let copies: [UnsafeMutablePointer<CChar>?] = parameters.map { $0.map { strdup($0) } ?? nil }
        defer { for pointer in copies { free(pointer) } }
        let result = copies.map { UnsafePointer($0) }.withUnsafeBufferPointer { buffer in
            PQexecParams(handle, sql, Int32(parameters.count), nil, buffer.baseAddress, nil, nil, 0)
        }
        guard let result else {
            throw PostgresQueryError(sqlState: nil, message: Self.trimmed(PQerrorMessage(handle)), connectionLost: isBroken)
        }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK else {
            let sqlState = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            let primary = PQresultErrorField(result, Int32(UInt8(ascii: "M"))).map { String(cString: $0) }
            let message = primary ?? Self.trimmed(PQresultErrorMessage(result))
            throw PostgresQueryError(sqlState: sqlState, message: message, connectionLost: isBroken)
        }
        let columnCount = Int(PQnfields(result))
        let rowCount = Int(PQntuples(result))
        let columns = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
        var rows: [[String?]] = []
        rows.reserveCapacity(rowCount)
        for row in 0..<rowCount {
            var values: [String?] = []
            values.reserveCapacity(columnCount)
            for column in 0..<columnCount {
                if PQgetisnull(result, Int32(row), Int32(column)) == 1 {
                    values.append(nil)
                } else {
                    values.append(String(cString: PQgetvalue(result, Int32(row), Int32(column))))
                }
            }
            rows.append(values)
        }
        return PostgresRows(columns: columns, rows: rows)
    }

    /// Closes the connection (idempotent).
    func close() {
        if let handle {
            PQfinish(handle)
            self.handle = nil
        }
    }

    private static func trimmed(_ text: UnsafePointer<CChar>?) -> String {
        guard let text else { return "" }
        return String(cString: text).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
