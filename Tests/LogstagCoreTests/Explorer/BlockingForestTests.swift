import Testing
import LogstagCore

struct BlockingForestTests {
    static func waiter(_ pid: String, blockedBy: [String], waiting: Double?) -> BlockingSession {
        BlockingSession(
            pid: pid, user: "app", database: "shop", state: "active", waitEventType: "Lock", waitEvent: "transactionid",
            query: "UPDATE orders SET status = $1 WHERE id = $2", waitingSeconds: waiting, blockedBy: blockedBy)
    }

    static func holder(_ pid: String) -> BlockingSession {
        BlockingSession(pid: pid, user: "batch", database: "shop", state: "idle in transaction", transactionSeconds: 120)
    }

    static func pids(_ chain: BlockingChain) -> [String] { chain.flattened().map(\.session.pid) }

    @Test func chainOfThreeHasDepthTwoAndTwoBlockedSessions() throws {
        let chains = BlockingForest.build([
            Self.waiter("300", blockedBy: ["200"], waiting: 12), Self.waiter("200", blockedBy: ["100"], waiting: 30),
            Self.holder("100"),
        ])
        let chain = try #require(chains.first)
        #expect(chains.count == 1)
        #expect(chain.root.session == Self.holder("100"))
        #expect(chain.depth == 2)
        #expect(chain.blockedSessions == 2)
        #expect(chain.longestWaitSeconds == 30)
        #expect(chain.isCycle == false)
        let nodes = chain.flattened()
        #expect(nodes.map(\.session.pid) == ["100", "200", "300"])
        #expect(nodes.map(\.mode) == [.holding, .blockedAndBlocking, .blocked])
        #expect(nodes.map(\.mode.rawValue) == ["Holding", "BlockedAndBlocking", "Blocked"])
        #expect(nodes.map(\.granted) == [true, false, false])
        #expect(nodes.map(\.depth) == [0, 1, 2])
    }

    @Test func separateChainsAreOrderedWorstFirst() {
        let chains = BlockingForest.build([
            Self.holder("10"), Self.waiter("11", blockedBy: ["10"], waiting: 5),
            Self.holder("20"), Self.waiter("21", blockedBy: ["20"], waiting: 50), Self.waiter("22", blockedBy: ["20"], waiting: 3),
            Self.holder("30"), Self.waiter("31", blockedBy: ["30"], waiting: 100),
            // Same blocked count and wait as chain 10: the root pid decides, numerically (9 before 10).
            Self.holder("9"), Self.waiter("8", blockedBy: ["9"], waiting: 5),
        ])
        #expect(chains.map(\.root.session.pid) == ["20", "30", "9", "10"])
        #expect(chains.map(\.blockedSessions) == [2, 1, 1, 1])
        #expect(chains.map(\.longestWaitSeconds) == [50, 100, 5, 5])
    }

    @Test func childrenAreSortedByWaitDescendingThenPid() throws {
        let chains = BlockingForest.build([
            Self.holder("1"), Self.waiter("5", blockedBy: ["1"], waiting: 2), Self.waiter("4", blockedBy: ["1"], waiting: nil),
            Self.waiter("3", blockedBy: ["1"], waiting: 9), Self.waiter("2", blockedBy: ["1"], waiting: 2),
        ])
        let root = try #require(chains.first?.root)
        #expect(root.children.map(\.session.pid) == ["3", "2", "5", "4"])
    }

    @Test func sessionBlockedByTwoHoldersAppearsUnderBoth() {
        let chains = BlockingForest.build([
            Self.holder("1"), Self.holder("2"), Self.waiter("3", blockedBy: ["1", "2"], waiting: 7),
        ])
        #expect(chains.count == 2)
        #expect(chains.map(\.root.session.pid) == ["1", "2"])
        for chain in chains {
            #expect(chain.root.children.map(\.session.pid) == ["3"])
            #expect(chain.blockedSessions == 1)
        }
    }

    @Test func sessionReachedTwiceInOneTreeCountsOnce() throws {
        // 1 blocks 2 and 3; 4 waits for both 2 and 3, so it is drawn twice.
        let chains = BlockingForest.build([
            Self.holder("1"), Self.waiter("2", blockedBy: ["1"], waiting: 20), Self.waiter("3", blockedBy: ["1"], waiting: 10),
            Self.waiter("4", blockedBy: ["2", "3"], waiting: 4),
        ])
        let chain = try #require(chains.first)
        #expect(chains.count == 1)
        #expect(Self.pids(chain) == ["1", "2", "4", "3", "4"])
        #expect(chain.blockedSessions == 3)
        #expect(chain.depth == 2)
    }

    @Test func unknownHolderBecomesARootKnownByPidOnly() throws {
        let chains = BlockingForest.build([Self.waiter("5", blockedBy: ["77"], waiting: 8)])
        let chain = try #require(chains.first)
        #expect(chains.count == 1)
        #expect(chain.root.session == BlockingSession(pid: "77"))
        #expect(chain.root.mode == .holding)
        #expect(chain.root.children.map(\.session.pid) == ["5"])
        #expect(chain.blockedSessions == 1)
        #expect(chain.longestWaitSeconds == 8)
    }

    @Test func twoCycleIsOneChainRootedAtTheLowestPid() throws {
        let chains = BlockingForest.build([
            Self.waiter("41", blockedBy: ["40"], waiting: 3), Self.waiter("40", blockedBy: ["41"], waiting: 2),
        ])
        let chain = try #require(chains.first)
        #expect(chains.count == 1)
        #expect(chain.isCycle)
        #expect(chain.root.session.pid == "40")
        #expect(chain.root.granted == false)
        #expect(chain.root.mode == .blockedAndBlocking)
        #expect(Self.pids(chain) == ["40", "41"])
        #expect(chain.depth == 1)
        #expect(chain.blockedSessions == 1)
        #expect(chain.longestWaitSeconds == 3)
    }

    @Test func threeCycleWithATailIsOneChain() throws {
        // 3 blocks 20, 20 blocks 100, 100 blocks 3; 5 waits for 20. Lowest pid is numeric 3, not "100".
        let chains = BlockingForest.build([
            Self.waiter("100", blockedBy: ["20"], waiting: 4), Self.waiter("20", blockedBy: ["3"], waiting: 6),
            Self.waiter("3", blockedBy: ["100"], waiting: 5), Self.waiter("5", blockedBy: ["20"], waiting: 1),
        ])
        let chain = try #require(chains.first)
        #expect(chains.count == 1)
        #expect(chain.isCycle)
        #expect(chain.root.session.pid == "3")
        #expect(Self.pids(chain) == ["3", "20", "100", "5"])
        #expect(chain.flattened().map(\.mode) == [.blockedAndBlocking, .blockedAndBlocking, .blockedAndBlocking, .blocked])
        #expect(chain.depth == 2)
        #expect(chain.blockedSessions == 3)
        #expect(chain.longestWaitSeconds == 6)
    }

    @Test func cycleBelowAHolderStaysInTheHoldersChain() throws {
        // 2 waits for the holder 1 and for 3; 3 waits for 2: the cycle is reached from the holder.
        let chains = BlockingForest.build([
            Self.holder("1"), Self.waiter("2", blockedBy: ["1", "3"], waiting: 9), Self.waiter("3", blockedBy: ["2"], waiting: 4),
        ])
        let chain = try #require(chains.first)
        #expect(chains.count == 1)
        #expect(chain.isCycle == false)
        #expect(Self.pids(chain) == ["1", "2", "3"])
        #expect(chain.blockedSessions == 2)
    }

    @Test func cycleDownstreamOfAnotherCycleHangsBelowIt() throws {
        // 10 <-> 11, 11 also blocks 12, and 12 <-> 13: one chain, rooted in the upstream cycle.
        let chains = BlockingForest.build([
            Self.waiter("10", blockedBy: ["11"], waiting: 1), Self.waiter("11", blockedBy: ["10"], waiting: 1),
            Self.waiter("12", blockedBy: ["11", "13"], waiting: 1), Self.waiter("13", blockedBy: ["12"], waiting: 1),
        ])
        let chain = try #require(chains.first)
        #expect(chains.count == 1)
        #expect(chain.root.session.pid == "10")
        #expect(Set(Self.pids(chain)) == ["10", "11", "12", "13"])
        #expect(chain.blockedSessions == 3)
    }

    @Test func selfReferenceAndSessionsWithoutWaitersMakeNoChain() {
        #expect(BlockingForest.build([Self.waiter("6", blockedBy: ["6"], waiting: 1), Self.holder("7")]).isEmpty)
    }

    @Test func emptyInputHasNoChains() {
        #expect(BlockingForest.build([]).isEmpty)
    }

    @Test func manySharedWaitersStayBounded() throws {
        // 20 layers of two sessions, each waiting for both of the layer above: 2^20 paths.
        var sessions = [Self.holder("0")]
        var above = ["0"]
        for layer in 1...20 {
            let pids = ["\(layer * 10)", "\(layer * 10 + 1)"]
            sessions += pids.map { Self.waiter($0, blockedBy: above, waiting: Double(layer)) }
            above = pids
        }
        let chain = try #require(BlockingForest.build(sessions).first)
        #expect(chain.blockedSessions == 40)
        #expect(chain.longestWaitSeconds == 20)
        #expect(chain.flattened().count <= BlockingForest.maximumNodesPerChain)
    }

    @Test func blockingPidListIsParsed() {
        #expect(BlockingSession.pids(fromList: "12, 34,,12") == ["12", "34"])
        #expect(BlockingSession.pids(fromList: nil) == [])
        #expect(BlockingSession.pids(fromList: "") == [])
    }
}
