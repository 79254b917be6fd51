import Foundation

/// The `export_to_file` debug aid: a copy of every spooled batch as
/// `<export_path>/logstag-export-<sequence>.json`.
///
/// Contract: files are created 0600 (they hold collected data) in a directory created 0700
/// when missing; the content is the batch JSON exactly as it will be sent. Exports are not
/// fsync'd and are never read back by the agent.
struct BatchExporter: Sendable {
    let directory: String

    func export(_ json: Data, sequence: UInt64) throws(DurableFile.Failure) {
        try DurableFile.makeDirectory(directory)
        let path = (directory as NSString).appendingPathComponent("logstag-export-\(SpoolEntry.pad(sequence)).json")
        try DurableFile.save(json, to: path, permissions: 0o600, durable: false)
    }
}
