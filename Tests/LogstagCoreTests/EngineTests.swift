import Testing
import LogstagCore

struct EngineTests {
    @Test func rawValuesAreTheStableIdentifiers() {
        #expect(Engine.allCases.map(\.rawValue) == ["postgresql", "mssql", "mongodb", "redis", "valkey", "oracle"])
    }

    @Test func displayNames() {
        #expect(Engine.allCases.map(\.displayName) == ["PostgreSQL", "Microsoft SQL Server", "MongoDB", "Redis", "Valkey", "Oracle"])
    }

    @Test func defaultPorts() {
        #expect(Engine.allCases.map(\.defaultPort) == [5432, 1433, 27017, 6379, 6379, 1521])
    }
}
