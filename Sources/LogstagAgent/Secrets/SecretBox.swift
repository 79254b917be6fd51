/// Encrypts configuration secrets so that they can be decrypted only on the machine, and with
/// the state directory, that encrypted them.
///
/// Format: `enc:v1:` + base64url (no padding) of `keyCheck(4) | nonce(12) | ciphertext | tag(16)`.
/// - key = HKDF-SHA256(ikm: the 32 random bytes of `<state_dir>/host.key`, salt: the machine
///   identity from /etc/machine-id, info: "logstag-agent secret v1");
/// - keyCheck = the first 4 bytes of HMAC-SHA256(key, "logstag key check"), so a value from
///   another machine is told apart from a damaged one;
/// - AES-256-GCM with a random 12-byte nonce and a 16-byte tag; AAD = "enc:v1" + keyCheck.
///
/// Contract: `encrypt` creates `host.key` (0600, directory 0700) on first use when the box
/// was made with `createHostSecret: true`, and never writes it otherwise. `decrypt` accepts
/// only `enc:` values (plain-text configuration values are the loader's business) and either
/// returns the exact plaintext or throws: `.hostSecretMissing` without `host.key`,
/// `.wrongMachine` when the value was made with another host secret or machine identity,
/// `.tampered` when any byte of it changed, `.malformed` when it is not a well-formed
/// `enc:v1:` value. The host secret is read on each call and never cached, so a box is cheap
/// to keep and sees a host.key created by another process.
public struct SecretBox: Sendable {
    /// The command that encrypts a value on this host, as messages quote it.
    public static let encryptCommand = "`logstag --mode agent --encrypt`"
    /// The prefix of every encrypted value (any version).
    public static let encryptedPrefix = "enc:"
    static let versionPrefix = "enc:v1:"
    static let keyCheckLength = 4
    /// The most key-check bits one damaged base64url character can change.
    static let maximumDamageBits = 6
    static let info = Array("logstag-agent secret v1".utf8)
    static let keyCheckMessage = Array("logstag key check".utf8)
    static let aadPrefix = Array("enc:v1".utf8)

    public let stateDirectory: String
    public let createHostSecret: Bool
    private let machineIdentity: String

    /// - Parameters:
    ///   - stateDirectory: the agent's `state_dir`; the host secret is `<stateDirectory>/host.key`.
    ///   - createHostSecret: whether `encrypt` may create the host secret when it is missing
    ///     (true for `--encrypt` and enrollment, false for the running agent).
    ///   - machineID: the machine identity; nil reads /etc/machine-id (tests pass their own).
    public init(stateDirectory: String, createHostSecret: Bool, machineID: String? = nil) throws(SecretError) {
        self.stateDirectory = stateDirectory
        self.createHostSecret = createHostSecret
        if let machineID {
            guard !machineID.isEmpty else { throw SecretError(.io, "The machine identity must not be empty.") }
            machineIdentity = machineID
        } else {
            machineIdentity = try MachineIdentity.read()
        }
    }

    /// The path of the host secret.
    public var hostSecretPath: String { HostSecretFile.path(in: stateDirectory) }

    /// Whether `value` is meant to be an encrypted value (starts with `enc:`).
    public static func isEncrypted(_ value: String) -> Bool { value.hasPrefix(encryptedPrefix) }

    /// Whether `value` has the shape of an `enc:v1:` value (checked without any key).
    public static func isWellFormed(_ value: String) -> Bool {
        guard value.hasPrefix(versionPrefix), let payload = Base64URL.decode(value.dropFirst(versionPrefix.count)) else { return false }
        return payload.count >= keyCheckLength + SecretCipher.nonceLength + SecretCipher.tagLength
    }

    /// Encrypts `plaintext` for this machine.
    public func encrypt(_ plaintext: String) throws(SecretError) -> String {
        var hostSecret = try loadHostSecret(creating: createHostSecret)
        defer { SecretCipher.wipe(&hostSecret) }
        var key = try deriveKey(hostSecret: hostSecret)
        defer { SecretCipher.wipe(&key) }
        let keyCheck = Self.keyCheck(for: key)
        guard let nonce = SecretCipher.randomBytes(SecretCipher.nonceLength) else {
            throw SecretError(.io, "OpenSSL could not produce a random nonce; check the system's entropy source.")
        }
        guard let sealed = SecretCipher.seal(key: key, nonce: nonce, aad: Self.aadPrefix + keyCheck, plaintext: Array(plaintext.utf8)) else {
            throw SecretError(.io, "OpenSSL could not encrypt the value (AES-256-GCM); check the OpenSSL installation.")
        }
        return Self.versionPrefix + Base64URL.encode(keyCheck + nonce + sealed)
    }

    /// Decrypts an `enc:v1:` value made on this machine.
    public func decrypt(_ value: String) throws(SecretError) -> SecretValue {
        guard value.hasPrefix(Self.encryptedPrefix) else {
            throw SecretError(.malformed, "The value is not an encrypted value (it does not start with enc:).")
        }
        guard value.hasPrefix(Self.versionPrefix) else {
            throw SecretError(
                .malformed,
                "The encrypted value has an unknown format (this agent reads enc:v1: values); re-encrypt it on this host with \(SecretBox.encryptCommand).")
        }
        guard let payload = Base64URL.decode(value.dropFirst(Self.versionPrefix.count)),
            payload.count >= Self.keyCheckLength + SecretCipher.nonceLength + SecretCipher.tagLength
        else {
            throw SecretError(
                .malformed,
                "The encrypted value is damaged or cut short (it is not valid enc:v1: text); copy it again or re-encrypt it with \(SecretBox.encryptCommand).")
        }
        let storedCheck = Array(payload[0..<Self.keyCheckLength])
        let nonce = Array(payload[Self.keyCheckLength..<(Self.keyCheckLength + SecretCipher.nonceLength)])
        let sealed = Array(payload[(Self.keyCheckLength + SecretCipher.nonceLength)...])

        guard var hostSecret = try HostSecretFile.read(path: hostSecretPath) else {
            throw SecretError(
                .hostSecretMissing,
                "The host secret \(hostSecretPath) does not exist, so the value cannot be decrypted: the value was encrypted on "
                    + "another machine or the state directory was reset; re-encrypt it on this host with \(SecretBox.encryptCommand).")
        }
        defer { SecretCipher.wipe(&hostSecret) }
        var key = try deriveKey(hostSecret: hostSecret)
        defer { SecretCipher.wipe(&key) }
        let expectedCheck = Self.keyCheck(for: key)

        if storedCheck != expectedCheck {
            // Either the value belongs to another machine, or its key-check bytes were altered.
            // When only the key check changed, the tag (computed over this machine's key check)
            // still verifies. One damaged base64 character can also reach into the nonce; it
            // changes at most 6 bits of the key check, while another key's check differs in 16
            // of 32 bits on average (6 or fewer with probability 0.03%, and such a value is
            // still refused, only with the other message).
            if var altered = SecretCipher.open(key: key, nonce: nonce, aad: Self.aadPrefix + expectedCheck, sealed: sealed) {
                SecretCipher.wipe(&altered)
                throw Self.tamperedError
            }
            let differingBits = zip(storedCheck, expectedCheck).reduce(0) { $0 + ($1.0 ^ $1.1).nonzeroBitCount }
            if differingBits <= Self.maximumDamageBits { throw Self.tamperedError }
            throw SecretError(
                .wrongMachine,
                "This value is bound to a different machine (or to another host secret than \(hostSecretPath)) and cannot be "
                    + "decrypted here; encrypted values are not portable: re-encrypt the secret on this host with \(SecretBox.encryptCommand).")
        }
        guard var plaintext = SecretCipher.open(key: key, nonce: nonce, aad: Self.aadPrefix + storedCheck, sealed: sealed) else {
            throw Self.tamperedError
        }
        defer { SecretCipher.wipe(&plaintext) }
        guard let text = String(validating: plaintext, as: UTF8.self) else { throw Self.tamperedError }
        return SecretValue(text)
    }

    // MARK: - Internals

    private static let tamperedError = SecretError(
        .tampered,
        "The encrypted value was altered (its integrity check failed), so it was not used; copy it again from where it "
            + "was made, or re-encrypt the secret on this host with \(SecretBox.encryptCommand).")

    private func loadHostSecret(creating: Bool) throws(SecretError) -> [UInt8] {
        if creating { return try HostSecretFile.create(directory: stateDirectory) }
        guard let secret = try HostSecretFile.read(path: hostSecretPath) else {
            throw SecretError(
                .hostSecretMissing,
                "The host secret \(hostSecretPath) does not exist; run \(SecretBox.encryptCommand) as the agent's user (or root) to create it.")
        }
        return secret
    }

    private func deriveKey(hostSecret: [UInt8]) throws(SecretError) -> [UInt8] {
        guard let key = SecretCipher.hkdfSHA256(ikm: hostSecret, salt: Array(machineIdentity.utf8), info: Self.info, length: SecretCipher.keyLength)
        else { throw SecretError(.io, "OpenSSL could not derive the secret key (HKDF-SHA256); check the OpenSSL installation.") }
        return key
    }

    private static func keyCheck(for key: [UInt8]) -> [UInt8] {
        Array(SecretCipher.hmacSHA256(key: key, message: keyCheckMessage).prefix(keyCheckLength))
    }
}
