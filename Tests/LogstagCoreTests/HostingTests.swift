import Testing
import LogstagCore

struct HostingTests {
    @Test func rawValues() {
        #expect(Hosting.allCases.map(\.rawValue) == ["self-hosted", "aws-rds", "huawei-rds", "azure", "gcp"])
    }

    @Test func azureAndGCPArePlanned() {
        #expect(Hosting.allCases.filter(\.isAvailable) == [.selfHosted, .awsRDS, .huaweiRDS])
    }

    @Test func onlyDirectConnectionIsAvailable() {
        #expect(ConnectionType.allCases.filter(\.isAvailable) == [.direct])
        #expect(OperatingSystem.allCases.map(\.rawValue) == ["linux", "windows"])
    }
}
