import Testing
import LogstagCore

struct AssetEnvironmentTests {
    @Test func rawValuesAreTheLabels() {
        #expect(AssetEnvironment.allCases.map(\.rawValue) == ["Production", "Pre-Production", "UAT", "Staging", "Test", "Development"])
    }

    @Test func defaultIsProduction() {
        #expect(AssetEnvironment.defaultValue == .production)
        #expect(AssetEnvironment(rawValue: "Pre-Production") == .preProduction)
        #expect(AssetEnvironment(rawValue: "production") == nil)
    }
}
