import Foundation
import Testing
import LogstagCore

/// Golden fixtures pin the wire bytes: decode, re-encode, compare byte for byte.
struct WireCodingTests {
    func roundTrip<T: Codable>(_ type: T.Type, _ name: String) throws -> T {
        let original = try Fixture.data(name)
        let value = try WireCoding.decoder().decode(T.self, from: original)
        let encoded = try WireCoding.encoder().encode(value)
        #expect(
            encoded == original,
            "\(name) re-encoded differently:\n\(String(decoding: encoded, as: UTF8.self))\n\(String(decoding: original, as: UTF8.self))")
        return value
    }

    @Test func ingestBatch() throws {
        let batch = try roundTrip(IngestBatch.self, "ingest-batch-v1.json")
        #expect(batch.wireVersion == 1)
        #expect(batch.batchID == "b-20250601-123005-0001")
        #expect(batch.sentAt == Date(timeIntervalSince1970: 1_748_781_005.25))
        #expect(batch.payloads.count == 2)
        let first = batch.payloads[0]
        #expect(first.tier == .high)
        #expect(first.instance?.databaseName == "orders")
        #expect(first.instance?.port == 5432)
        #expect(first.signals[0].rows[0]["xact_commit"] == .number(52341))
        #expect(first.signals[0].rows[0]["flags"] == [true, false, nil])
        #expect(first.signals[0].rows[0]["settings"] == ["max_connections": "100", "path": "/var/lib/postgresql"])
        #expect(first.signals[1].status == .unavailable)
        #expect(first.signals[1].reason == .permission)
        #expect(batch.payloads[1].targetStatus == TargetStatus(ok: false, reason: .unreachable, message: "connection refused"))
        #expect(batch.payloads[1].instance == nil)
        try batch.validate()
    }

    @Test func enrollmentRequest() throws {
        let request = try roundTrip(EnrollmentRequest.self, "enrollment-request-v1.json")
        #expect(request.engine == .postgresql)
        #expect(request.targetName == "orders-primary")
        #expect(try TokenFormat.parse(request.registrationToken, expecting: .registration).kind == .registration)
    }

    @Test func enrollmentResponse() throws {
        let response = try roundTrip(EnrollmentResponse.self, "enrollment-response-v1.json")
        #expect(response.organizationID == "org_5mN8bV1cX4zA")
        #expect(try TokenFormat.parse(response.agentKey ?? "", expecting: .agentKey).id == "ULorgzsgtH3B")
    }

    @Test func agentCommands() throws {
        let commands = try roundTrip([AgentCommand].self, "agent-command-v1.json")
        #expect(commands.map(\.kind) == [.connectionTest, .snapshot])
        #expect(commands[1].issuedAt == Date(timeIntervalSince1970: 1_748_781_062.5))
    }

    @Test func commandResult() throws {
        let result = try roundTrip(CommandResult.self, "command-result-v1.json")
        #expect(result.result?.checks.map(\.status) == [.pass, .warn, .fail])
        #expect(result.result?.fixSuggestions == ["GRANT pg_monitor TO logstag;"])
        #expect(result.result?.targetDatabase == "orders")
    }

    @Test func unknownWireVersionFailsValidation() throws {
        let batch = try WireCoding.decoder().decode(IngestBatch.self, from: Fixture.data("ingest-batch-v99.json"))
        #expect(batch.wireVersion == 99)
        #expect {
            try batch.validate()
        } throws: { error in
            (error as? ValidationError)?.code == "unsupported_version"
        }
    }

    @Test func nilOptionalsAreOmitted() throws {
        let response = EnrollmentResponse(agentID: "a", organizationID: "o", assetID: "s", assetName: "n")
        let json = String(decoding: try WireCoding.encoder().encode(response), as: UTF8.self)
        #expect(json == #"{"agent_id":"a","asset_id":"s","asset_name":"n","organization_id":"o","wire_version":1}"#)
    }

    @Test func apiErrorBody() throws {
        let json = String(decoding: try WireCoding.encoder().encode(APIErrorBody(code: "not_found", message: "No such asset.")), as: UTF8.self)
        #expect(json == #"{"code":"not_found","message":"No such asset."}"#)
    }

    @Test func datesAcceptMissingFractionAndOffsets() throws {
        let json = Data(#"{"asset_id":"a","id":"c","issued_at":"2025-06-01T14:31:00+02:00","kind":"snapshot"}"#.utf8)
        let command = try WireCoding.decoder().decode(AgentCommand.self, from: json)
        #expect(command.issuedAt == Date(timeIntervalSince1970: 1_748_781_060))
        let bad = Data(#"{"asset_id":"a","id":"c","issued_at":"June 1st","kind":"snapshot"}"#.utf8)
        #expect(throws: DecodingError.self) { try WireCoding.decoder().decode(AgentCommand.self, from: bad) }
    }

    @Test func wireVersionIsOne() {
        #expect(WireVersion.current == 1)
        #expect(IngestBatch(batchID: "x", agentVersion: "1", hostname: "h", sentAt: Date(), payloads: []).wireVersion == 1)
    }
}
