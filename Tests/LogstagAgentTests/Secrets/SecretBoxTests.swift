import Foundation
import Testing

@testable import LogstagAgent

@Suite("Machine-bound secrets")
struct SecretBoxTests {
    /// A state directory with a box that may create the host secret.
    static func makeBox(machineID: String = "machine-one", _ label: String = #function) throws -> (SecretBox, String) {
        let directory = ConfigTestSupport.makeDirectory(label)
        return (try SecretBox(stateDirectory: directory + "/state", createHostSecret: true, machineID: machineID), directory)
    }

    static func expectKind(_ kind: SecretError.Kind, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("expected SecretError.\(kind), but it succeeded", sourceLocation: sourceLocation)
        } catch let error as SecretError {
            #expect(error.kind == kind, "\(error.message)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("expected SecretError.\(kind), got \(error)", sourceLocation: sourceLocation)
        }
    }

    /// Writes a known host secret, so tests that compare two keys are deterministic.
    static func writeHostSecret(_ box: SecretBox, seed: UInt8) throws {
        try FileManager.default.createDirectory(atPath: box.stateDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let bytes = (0..<32).map { UInt8($0) &* 7 &+ seed }
        #expect(FileManager.default.createFile(atPath: box.hostSecretPath, contents: Data(bytes), attributes: [.posixPermissions: 0o600]))
    }

    @Test("encrypt then decrypt returns the exact text, including empty and non-ASCII text")
    func roundTrip() throws {
        let (box, directory) = try Self.makeBox()
        defer { ConfigTestSupport.remove(directory) }
        for plaintext in ["lsa_agentKeyValue", "", "pä\"ss\\w\nörd 😀", String(repeating: "x", count: 10_000)] {
            let value = try box.encrypt(plaintext)
            #expect(value.hasPrefix("enc:v1:"))
            #expect(SecretBox.isWellFormed(value))
            #expect(try box.decrypt(value).reveal() == plaintext)
        }
        // A second box on the same machine (the running agent) needs no permission to create.
        let reader = try SecretBox(stateDirectory: directory + "/state", createHostSecret: false, machineID: "machine-one")
        #expect(try reader.decrypt(try box.encrypt("shared")).reveal() == "shared")
    }

    @Test("the first encrypt creates host.key: 32 bytes, mode 0600, directory 0700; later calls reuse it")
    func hostSecretFile() throws {
        let (box, directory) = try Self.makeBox()
        defer { ConfigTestSupport.remove(directory) }
        #expect(!FileManager.default.fileExists(atPath: box.hostSecretPath), "creating the box writes nothing")
        _ = try box.encrypt("a")
        let first = try #require(FileManager.default.contents(atPath: box.hostSecretPath))
        #expect(first.count == 32)
        #expect(ConfigTestSupport.mode(of: box.hostSecretPath) == 0o600)
        #expect(ConfigTestSupport.mode(of: directory + "/state") == 0o700)
        _ = try box.encrypt("b")
        #expect(FileManager.default.contents(atPath: box.hostSecretPath) == first)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory + "/state") == ["host.key"])
    }

    @Test("a box that may not create the host secret refuses to encrypt without one")
    func noCreation() throws {
        let directory = ConfigTestSupport.makeDirectory()
        defer { ConfigTestSupport.remove(directory) }
        let box = try SecretBox(stateDirectory: directory, createHostSecret: false, machineID: "m")
        Self.expectKind(.hostSecretMissing) { _ = try box.encrypt("x") }
        #expect(!FileManager.default.fileExists(atPath: box.hostSecretPath))
    }

    @Test("a value copied to another machine (other machine identity, same host.key) is wrongMachine")
    func otherMachineIdentity() throws {
        let (box, directory) = try Self.makeBox(machineID: "machine-one")
        defer { ConfigTestSupport.remove(directory) }
        try Self.writeHostSecret(box, seed: 1)
        let value = try box.encrypt("db-password")
        let elsewhere = try SecretBox(stateDirectory: directory + "/state", createHostSecret: false, machineID: "machine-two")
        Self.expectKind(.wrongMachine) { _ = try elsewhere.decrypt(value) }
        do {
            _ = try elsewhere.decrypt(value)
        } catch {
            #expect(error.message.contains("bound to a different machine") && error.message.contains("logstag --mode agent --encrypt"))
        }
    }

    @Test("a value copied to a host with its own host.key (same machine identity) is wrongMachine")
    func otherHostSecret() throws {
        let (box, directory) = try Self.makeBox(machineID: "cloned-image")
        defer { ConfigTestSupport.remove(directory) }
        try Self.writeHostSecret(box, seed: 1)
        let value = try box.encrypt("db-password")
        let (other, otherDirectory) = try Self.makeBox(machineID: "cloned-image")
        defer { ConfigTestSupport.remove(otherDirectory) }
        try Self.writeHostSecret(other, seed: 2)
        Self.expectKind(.wrongMachine) { _ = try other.decrypt(value) }
    }

    @Test("host.key deleted (state directory reset) is hostSecretMissing with the re-encrypt command")
    func hostSecretDeleted() throws {
        let (box, directory) = try Self.makeBox()
        defer { ConfigTestSupport.remove(directory) }
        let value = try box.encrypt("secret")
        try FileManager.default.removeItem(atPath: box.hostSecretPath)
        do {
            _ = try box.decrypt(value)
            Issue.record("decrypt succeeded without host.key")
        } catch {
            #expect(error.kind == .hostSecretMissing)
            #expect(error.message.contains("re-encrypt it on this host with `logstag --mode agent --encrypt`"))
            #expect(error.message.contains(box.hostSecretPath))
        }
    }

    @Test("every single bit flip of an encrypted value's text is tampered or malformed, never success")
    func everyBitFlipOfTheText() throws {
        let (box, directory) = try Self.makeBox()
        defer { ConfigTestSupport.remove(directory) }
        let value = try box.encrypt("pw")
        let bytes = Array(value.utf8)
        var kinds: [SecretError.Kind: Int] = [:]
        for index in bytes.indices {
            for bit in 0..<8 {
                var flipped = bytes
                flipped[index] ^= 1 << bit
                let text = String(decoding: flipped, as: UTF8.self)
                do {
                    let result = try box.decrypt(text)
                    Issue.record("flip of bit \(bit) in byte \(index) decrypted to \(result.reveal().count) characters")
                } catch {
                    #expect(error.kind == .tampered || error.kind == .malformed, "byte \(index) bit \(bit): \(error.kind)")
                    kinds[error.kind, default: 0] += 1
                }
            }
        }
        #expect(kinds.values.reduce(0, +) == bytes.count * 8)
        #expect((kinds[.tampered] ?? 0) > 0 && (kinds[.malformed] ?? 0) > 0, "both paths are exercised: \(kinds)")
    }

    @Test("every single bit flip of the decoded payload (key check, nonce, ciphertext, tag) is tampered")
    func everyBitFlipOfThePayload() throws {
        let (box, directory) = try Self.makeBox()
        defer { ConfigTestSupport.remove(directory) }
        let value = try box.encrypt("password!")
        let payload = try #require(Base64URL.decode(value.dropFirst("enc:v1:".count)))
        #expect(payload.count == 4 + 12 + 9 + 16)
        for index in payload.indices {
            for bit in 0..<8 {
                var flipped = payload
                flipped[index] ^= 1 << bit
                Self.expectKind(.tampered) { _ = try box.decrypt("enc:v1:" + Base64URL.encode(flipped)) }
            }
        }
        // Cutting the value short, or adding bytes, is never accepted either.
        Self.expectKind(.malformed) { _ = try box.decrypt("enc:v1:" + Base64URL.encode(Array(payload.prefix(31)))) }
        Self.expectKind(.tampered) { _ = try box.decrypt("enc:v1:" + Base64URL.encode(Array(payload.dropLast()))) }
        Self.expectKind(.tampered) { _ = try box.decrypt("enc:v1:" + Base64URL.encode(payload + [0])) }
    }

    @Test("malformed values: wrong prefix, unknown version, bad base64url, too short")
    func malformedValues() throws {
        let (box, directory) = try Self.makeBox()
        defer { ConfigTestSupport.remove(directory) }
        _ = try box.encrypt("creates host.key")
        for value in ["plain text", "enc:v2:AAAA", "enc:v1:", "enc:v1:AAAA", "enc:v1:not*base64", "enc:v1:" + String(repeating: "A", count: 41) + "="] {
            Self.expectKind(.malformed) { _ = try box.decrypt(value) }
        }
    }

    @Test("nonces are unique: the same plaintext encrypts differently every time")
    func nonceUniqueness() throws {
        let (box, directory) = try Self.makeBox()
        defer { ConfigTestSupport.remove(directory) }
        var values: Set<String> = []
        var nonces: Set<[UInt8]> = []
        for _ in 0..<500 {
            let value = try box.encrypt("same plaintext")
            values.insert(value)
            let payload = try #require(Base64URL.decode(value.dropFirst("enc:v1:".count)))
            nonces.insert(Array(payload[4..<16]))
        }
        #expect(values.count == 500 && nonces.count == 500)
    }

    @Test("the encrypted value never contains the plaintext, nor its base64 forms")
    func noPlaintextInOutput() throws {
        let (box, directory) = try Self.makeBox()
        defer { ConfigTestSupport.remove(directory) }
        for plaintext in ["hunter2hunter2", "AAAAAAAAAAAAAAAAAAAA", "lsa_ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"] {
            let value = try box.encrypt(plaintext)
            #expect(!value.contains(plaintext))
            #expect(!value.contains(Base64URL.encode(Array(plaintext.utf8))))
            #expect(!value.contains(Data(plaintext.utf8).base64EncodedString().trimmingCharacters(in: ["="])))
            #expect(!value.contains(String(plaintext.prefix(6))), "not even a prefix")
        }
    }

    @Test("host.key readable by others is refused with the chmod command")
    func hostSecretPermissions() throws {
        let (box, directory) = try Self.makeBox()
        defer { ConfigTestSupport.remove(directory) }
        let value = try box.encrypt("secret")
        chmod(box.hostSecretPath, 0o644)
        do {
            _ = try box.decrypt(value)
            Issue.record("decrypt accepted a world-readable host.key")
        } catch {
            #expect(error.kind == .permissions)
            #expect(error.message == "The host secret \(box.hostSecretPath) is readable by other users (mode 0644); run: chmod 600 \(box.hostSecretPath)")
        }
        Self.expectKind(.permissions) { _ = try box.encrypt("also refused") }
        chmod(box.hostSecretPath, 0o600)
        #expect(try box.decrypt(value).reveal() == "secret")
    }

    @Test("a damaged host.key (wrong length) is reported, not used")
    func damagedHostSecret() throws {
        let (box, directory) = try Self.makeBox()
        defer { ConfigTestSupport.remove(directory) }
        let value = try box.encrypt("secret")
        ConfigTestSupport.writeFile(box.hostSecretPath, "short")
        Self.expectKind(.io) { _ = try box.decrypt(value) }
    }

    @Test("concurrent first encryptions on one state directory share one host secret")
    func concurrentCreation() async throws {
        let directory = ConfigTestSupport.makeDirectory()
        defer { ConfigTestSupport.remove(directory) }
        let values = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<8 {
                group.addTask {
                    let box = try SecretBox(stateDirectory: directory + "/state", createHostSecret: true, machineID: "m")
                    return try box.encrypt("value \(index)")
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let reader = try SecretBox(stateDirectory: directory + "/state", createHostSecret: false, machineID: "m")
        for value in values { #expect(try reader.decrypt(value).reveal().hasPrefix("value ")) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory + "/state") == ["host.key"])
    }

    @Test("the machine identity comes from /etc/machine-id when no override is given")
    func machineIdentity() throws {
        let directory = ConfigTestSupport.makeDirectory()
        defer { ConfigTestSupport.remove(directory) }
        ConfigTestSupport.writeFile(directory + "/machine-id", "  abc123\n")
        #expect(try MachineIdentity.read(paths: [directory + "/missing", directory + "/machine-id"]) == "abc123")
        #expect(throws: SecretError.self) { try MachineIdentity.read(paths: [directory + "/missing"]) }
        if FileManager.default.fileExists(atPath: "/etc/machine-id") {
            let box = try SecretBox(stateDirectory: directory + "/state", createHostSecret: true)
            #expect(try box.decrypt(try box.encrypt("x")).reveal() == "x")
        }
    }
}
