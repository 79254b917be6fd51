/// SQL over the snapshots of one asset that reads the (asset_id, signal, collected_at) index by
/// seeks, not by scanning every snapshot the raw period keeps (up to a day of 10-second rows per
/// signal, see `RetentionStore.denseSnapshotPeriod`).
enum SnapshotSQL {
    /// The asset's signal names: a skip scan, one seek per signal. Arguments: the asset id twice.
    static let signals = """
        WITH RECURSIVE s(signal) AS (
            SELECT MIN(signal) FROM snapshots WHERE asset_id = ?
            UNION ALL
            SELECT (SELECT MIN(signal) FROM snapshots WHERE asset_id = ? AND signal > s.signal) FROM s WHERE s.signal IS NOT NULL)
        SELECT signal FROM s WHERE signal IS NOT NULL
        """

    /// The id of the latest snapshot of each of the asset's signals (latest collection, then
    /// latest stored; a late batch stored last is not "latest"). Arguments: the asset id 3 times.
    static let latestIDPerSignal = """
        WITH RECURSIVE s(signal) AS (
            SELECT MIN(signal) FROM snapshots WHERE asset_id = ?
            UNION ALL
            SELECT (SELECT MIN(signal) FROM snapshots WHERE asset_id = ? AND signal > s.signal) FROM s WHERE s.signal IS NOT NULL)
        SELECT (SELECT x.id FROM snapshots x WHERE x.asset_id = ? AND x.signal = s.signal ORDER BY x.collected_at DESC, x.id DESC LIMIT 1)
        FROM s WHERE s.signal IS NOT NULL
        """
}
