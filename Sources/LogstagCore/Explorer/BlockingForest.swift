import Foundation

/// One session in a lock graph: a waiter from `pg_blocking`, or a holder from `pg_activity`.
///
/// Contract: `blockedBy` lists the pids this session waits for (empty for a holder); a pid
/// naming the session itself is ignored by `BlockingForest`. `waitingSeconds` is nil for a
/// session that does not wait.
public struct BlockingSession: Sendable, Equatable {
    public var pid: String
    public var user: String?
    public var database: String?
    public var state: String?
    public var waitEventType: String?
    public var waitEvent: String?
    public var query: String?
    public var waitingSeconds: Double?
    public var transactionSeconds: Double?
    public var blockedBy: [String]

    public init(
        pid: String, user: String? = nil, database: String? = nil, state: String? = nil, waitEventType: String? = nil,
        waitEvent: String? = nil, query: String? = nil, waitingSeconds: Double? = nil, transactionSeconds: Double? = nil,
        blockedBy: [String] = []
    ) {
        self.pid = pid
        self.user = user
        self.database = database
        self.state = state
        self.waitEventType = waitEventType
        self.waitEvent = waitEvent
        self.query = query
        self.waitingSeconds = waitingSeconds
        self.transactionSeconds = transactionSeconds
        self.blockedBy = blockedBy
    }

    /// The pids of a `pg_blocking.blocking_pids` value ("12,34"): trimmed, empties dropped, order kept, duplicates removed.
    public static func pids(fromList list: String?) -> [String] {
        var seen = Set<String>()
        var pids: [String] = []
        for part in (list ?? "").split(separator: ",") {
            let pid = part.trimmingCharacters(in: .whitespaces)
            if !pid.isEmpty, seen.insert(pid).inserted { pids.append(pid) }
        }
        return pids
    }
}

/// One session placed in a blocking tree.
///
/// Contract: only the root of a chain that is not a cycle holds without waiting (`holding`,
/// `granted`); every other node waits, and is `blockedAndBlocking` when it also blocks some
/// session (even one shown elsewhere), else `blocked`. Children are sorted by
/// `waitingSeconds` descending (sessions without one last), then by pid.
public struct BlockingNode: Sendable, Equatable {
    public enum Mode: String, Sendable {
        case holding = "Holding"
        case blocked = "Blocked"
        case blockedAndBlocking = "BlockedAndBlocking"
    }

    public let session: BlockingSession
    public let mode: Mode
    public var granted: Bool { mode == .holding }
    public let depth: Int
    public let children: [BlockingNode]

    public init(session: BlockingSession, mode: Mode, depth: Int, children: [BlockingNode]) {
        self.session = session
        self.mode = mode
        self.depth = depth
        self.children = children
    }
}

/// One tree of sessions waiting, directly or through others, on a root.
///
/// Contract: `depth` is the deepest level (root alone 0); `blockedSessions` counts distinct
/// pids below the root (a session shown under two blockers counts once; the root never counts,
/// even the root of a cycle); `longestWaitSeconds` is the peak `waitingSeconds` in the tree
/// (0 when none is known). `isCycle` marks a lock cycle with no holder, rooted at its lowest pid.
public struct BlockingChain: Sendable, Equatable {
    public let root: BlockingNode
    public let depth: Int
    public let blockedSessions: Int
    public let longestWaitSeconds: Double
    public let isCycle: Bool

    public init(root: BlockingNode, depth: Int, blockedSessions: Int, longestWaitSeconds: Double, isCycle: Bool) {
        self.root = root
        self.depth = depth
        self.blockedSessions = blockedSessions
        self.longestWaitSeconds = longestWaitSeconds
        self.isCycle = isCycle
    }

    /// Every node depth-first (a node, then its children in order), for tables.
    public func flattened() -> [BlockingNode] {
        var nodes: [BlockingNode] = []
        var stack = [root]
        while let node = stack.popLast() {
            nodes.append(node)
            stack.append(contentsOf: node.children.reversed())
        }
        return nodes
    }
}

/// Builds the blocking trees of one sample of lock waits (reference 2.4 "Blocking Chains").
///
/// Contract: a chain is rooted at each session that blocks others but waits for nobody; a pid
/// named in `blockedBy` without a session row becomes such a root with only its pid known.
/// Sessions caught in a lock cycle that no holder reaches form one chain per cycle, rooted at
/// the cycle's lowest pid (numeric order when both pids are numbers). A session blocked by two
/// pids appears under both. A tree never repeats a pid along one path, so cycles end; past
/// `maximumNodesPerChain` nodes a tree stops growing (counts still cover every reachable
/// session). Chains are ordered worst first: blocked sessions, then longest wait, descending,
/// then root pid.
public enum BlockingForest {
    /// Bounds the tree of a pathological lock graph where shared waiters multiply the paths.
    public static let maximumNodesPerChain = 10_000

    public static func build(_ sessions: [BlockingSession]) -> [BlockingChain] {
        let graph = LockGraph(sessions)
        var chains: [BlockingChain] = []
        let holders = graph.pids.filter { graph.blockers[$0, default: []].isEmpty && !graph.waiters[$0, default: []].isEmpty }
        for holder in holders {
            chains.append(graph.chain(rootedAt: holder, isCycle: false))
        }
        let reachedFromHolders = graph.reachable(from: holders)
        for cycleRoot in graph.cycleRoots(excluding: reachedFromHolders) {
            chains.append(graph.chain(rootedAt: cycleRoot, isCycle: true))
        }
        return chains.sorted { lhs, rhs in
            if lhs.blockedSessions != rhs.blockedSessions { return lhs.blockedSessions > rhs.blockedSessions }
            if lhs.longestWaitSeconds != rhs.longestWaitSeconds { return lhs.longestWaitSeconds > rhs.longestWaitSeconds }
            return PidOrder.precedes(lhs.root.session.pid, rhs.root.session.pid)
        }
    }
}

/// Orders pids numerically when both are numbers (PostgreSQL pids), else as strings.
enum PidOrder {
    static func precedes(_ lhs: String, _ rhs: String) -> Bool {
        if let left = Int(lhs), let right = Int(rhs), left != right { return left < right }
        return lhs < rhs
    }
}

/// The "waits for" graph behind `BlockingForest`: edges go from a blocker to the sessions it blocks.
struct LockGraph {
    var sessions: [String: BlockingSession] = [:]
    /// Every pid known, sessions first in input order, then unknown blockers.
    var pids: [String] = []
    var blockers: [String: [String]] = [:]
    var waiters: [String: [String]] = [:]

    init(_ input: [BlockingSession]) {
        for session in input where sessions[session.pid] == nil {
            sessions[session.pid] = session
            pids.append(session.pid)
        }
        for pid in pids {
            var seen = Set<String>()
            let own = sessions[pid]!.blockedBy.filter { $0 != pid && !$0.isEmpty && seen.insert($0).inserted }
            blockers[pid] = own
            for blocker in own {
                if sessions[blocker] == nil {
                    // A holder the caller had no activity row for: known by its pid only.
                    sessions[blocker] = BlockingSession(pid: blocker)
                    blockers[blocker] = []
                    pids.append(blocker)
                }
                waiters[blocker, default: []].append(pid)
            }
        }
        for (blocker, list) in waiters {
            waiters[blocker] = list.sorted { Self.waitsLonger(sessions[$0]!, than: sessions[$1]!) }
        }
    }

    /// Children order: longest wait first, unknown waits last, then pid.
    static func waitsLonger(_ lhs: BlockingSession, than rhs: BlockingSession) -> Bool {
        // Non-finite waits sort as unknown so the order stays a strict weak ordering.
        switch (lhs.waitingSeconds.flatMap { $0.isFinite ? $0 : nil }, rhs.waitingSeconds.flatMap { $0.isFinite ? $0 : nil }) {
        case (let left?, let right?) where left != right: return left > right
        case (.some, .none): return true
        case (.none, .some): return false
        default: return PidOrder.precedes(lhs.pid, rhs.pid)
        }
    }

    func reachable(from roots: [String]) -> Set<String> {
        var seen = Set(roots)
        var queue = roots
        while let pid = queue.popLast() {
            for waiter in waiters[pid, default: []] where seen.insert(waiter).inserted { queue.append(waiter) }
        }
        return seen
    }

    /// One root per lock cycle that no holder reaches: the lowest pid of each source strongly
    /// connected component of the unreached waiters. Every unreached waiter has an unreached
    /// blocker (a reached blocker would reach it), so each such component holds a cycle, and
    /// every other unreached session hangs below one of them.
    func cycleRoots(excluding reached: Set<String>) -> [String] {
        let unreached = pids.filter { !reached.contains($0) && !blockers[$0, default: []].isEmpty }
        guard !unreached.isEmpty else { return [] }
        var reach: [String: Set<String>] = [:]
        for pid in unreached { reach[pid] = reachable(from: [pid]) }
        var roots: [String] = []
        var placed = Set<String>()
        for pid in unreached where !placed.contains(pid) {
            let component = unreached.filter { reach[pid]!.contains($0) && reach[$0]!.contains(pid) }
            let upstream = unreached.contains { !component.contains($0) && reach[$0]!.contains(pid) }
            placed.formUnion(component)
            if !upstream, let lowest = component.min(by: PidOrder.precedes) { roots.append(lowest) }
        }
        return roots
    }

    func chain(rootedAt root: String, isCycle: Bool) -> BlockingChain {
        var budget = BlockingForest.maximumNodesPerChain
        let node = self.node(root, depth: 0, path: [], isCycle: isCycle, budget: &budget)
        let below = reachable(from: [root]).subtracting([root])
        let waits = ([root] + below).compactMap { sessions[$0]?.waitingSeconds }.filter { $0.isFinite }
        return BlockingChain(
            root: node, depth: Self.deepest(node), blockedSessions: below.count, longestWaitSeconds: waits.max() ?? 0,
            isCycle: isCycle)
    }

    private func node(_ pid: String, depth: Int, path: Set<String>, isCycle: Bool, budget: inout Int) -> BlockingNode {
        budget -= 1
        let session = sessions[pid]!
        let blocks = !waiters[pid, default: []].isEmpty
        let mode: BlockingNode.Mode = depth == 0 && !isCycle ? .holding : blocks ? .blockedAndBlocking : .blocked
        var children: [BlockingNode] = []
        let onPath = path.union([pid])
        for waiter in waiters[pid, default: []] where !onPath.contains(waiter) && budget > 0 {
            children.append(node(waiter, depth: depth + 1, path: onPath, isCycle: isCycle, budget: &budget))
        }
        return BlockingNode(session: session, mode: mode, depth: depth, children: children)
    }

    private static func deepest(_ node: BlockingNode) -> Int {
        node.children.map(deepest).max() ?? node.depth
    }
}
