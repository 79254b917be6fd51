import COpenSSL

/// The OpenSSL primitives behind `SecretBox`: HKDF-SHA256, HMAC-SHA256, AES-256-GCM and random
/// bytes.
///
/// Contract: every function either returns a complete result or nil/throws; nothing partial
/// leaves it. `open` returns nil when the tag does not verify, and then no plaintext byte is
/// returned (OpenSSL writes decrypted bytes before checking the tag, so they are wiped).
enum SecretCipher {
    static let keyLength = 32
    static let nonceLength = 12
    static let tagLength = 16

    /// HKDF-SHA256 (RFC 5869) extract-and-expand to `length` bytes.
    static func hkdfSHA256(ikm: [UInt8], salt: [UInt8], info: [UInt8], length: Int) -> [UInt8]? {
        guard let context = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nil) else { return nil }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_derive_init(context) == 1,
            EVP_PKEY_CTX_set_hkdf_md(context, EVP_sha256()) == 1,
            salt.withUnsafeBufferPointer({ EVP_PKEY_CTX_set1_hkdf_salt(context, $0.baseAddress, Int32($0.count)) }) == 1,
            ikm.withUnsafeBufferPointer({ EVP_PKEY_CTX_set1_hkdf_key(context, $0.baseAddress, Int32($0.count)) }) == 1,
            info.withUnsafeBufferPointer({ EVP_PKEY_CTX_add1_hkdf_info(context, $0.baseAddress, Int32($0.count)) }) == 1
        else { return nil }
        var output = [UInt8](repeating: 0, count: length)
        var outputLength = length
        guard EVP_PKEY_derive(context, &output, &outputLength) == 1, outputLength == length else { return nil }
        return output
    }

    /// HMAC-SHA256(key, message).
    static func hmacSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var digestLength: UInt32 = 0
        _ = key.withUnsafeBufferPointer { keyBuffer in
            message.withUnsafeBufferPointer { messageBuffer in
                HMAC(EVP_sha256(), keyBuffer.baseAddress, Int32(keyBuffer.count), messageBuffer.baseAddress, messageBuffer.count, &digest,
                    &digestLength)
            }
        }
        return Array(digest.prefix(Int(digestLength)))
    }

    /// Cryptographically secure random bytes, or nil when OpenSSL has no entropy.
    static func randomBytes(_ count: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        guard RAND_bytes(&bytes, Int32(count)) == 1 else { return nil }
        return bytes
    }

    /// AES-256-GCM encryption: `ciphertext | tag`.
    static func seal(key: [UInt8], nonce: [UInt8], aad: [UInt8], plaintext: [UInt8]) -> [UInt8]? {
        guard key.count == keyLength, nonce.count == nonceLength, let context = EVP_CIPHER_CTX_new() else { return nil }
        defer { EVP_CIPHER_CTX_free(context) }
        // The default GCM IV length is 12 bytes, our nonce length, so it needs no ctrl call.
        guard EVP_EncryptInit_ex(context, EVP_aes_256_gcm(), nil, key, nonce) == 1 else { return nil }
        var length: Int32 = 0
        if !aad.isEmpty {
            guard EVP_EncryptUpdate(context, nil, &length, aad, Int32(aad.count)) == 1 else { return nil }
        }
        var output = [UInt8](repeating: 0, count: plaintext.count + tagLength)
        var produced = 0
        if !plaintext.isEmpty {
            guard output.withUnsafeMutableBufferPointer({ EVP_EncryptUpdate(context, $0.baseAddress, &length, plaintext, Int32(plaintext.count)) }) == 1
            else { return nil }
            produced = Int(length)
        }
        guard output.withUnsafeMutableBufferPointer({ EVP_EncryptFinal_ex(context, $0.baseAddress! + produced, &length) }) == 1 else {
            return nil
        }
        produced += Int(length)
        guard produced == plaintext.count else { return nil }
        var tag = [UInt8](repeating: 0, count: tagLength)
        guard EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, Int32(tagLength), &tag) == 1 else { return nil }
        output.replaceSubrange(produced..<(produced + tagLength), with: tag)
        return output
    }

    /// AES-256-GCM decryption of `ciphertext | tag`; nil when the tag does not verify.
    static func open(key: [UInt8], nonce: [UInt8], aad: [UInt8], sealed: [UInt8]) -> [UInt8]? {
        guard key.count == keyLength, nonce.count == nonceLength, sealed.count >= tagLength, let context = EVP_CIPHER_CTX_new() else {
            return nil
        }
        defer { EVP_CIPHER_CTX_free(context) }
        let ciphertext = Array(sealed.dropLast(tagLength))
        var tag = Array(sealed.suffix(tagLength))
        guard EVP_DecryptInit_ex(context, EVP_aes_256_gcm(), nil, key, nonce) == 1 else { return nil }
        var length: Int32 = 0
        if !aad.isEmpty {
            guard EVP_DecryptUpdate(context, nil, &length, aad, Int32(aad.count)) == 1 else { return nil }
        }
        var plaintext = [UInt8](repeating: 0, count: ciphertext.count + tagLength)
        var produced = 0
        if !ciphertext.isEmpty {
            guard plaintext.withUnsafeMutableBufferPointer({ EVP_DecryptUpdate(context, $0.baseAddress, &length, ciphertext, Int32(ciphertext.count)) })
                == 1
            else { return nil }
            produced = Int(length)
        }
        guard EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, Int32(tagLength), &tag) == 1 else { return nil }
        let verified = plaintext.withUnsafeMutableBufferPointer { EVP_DecryptFinal_ex(context, $0.baseAddress! + produced, &length) } == 1
        guard verified else {
            wipe(&plaintext)
            return nil
        }
        return Array(plaintext.prefix(produced + Int(length)))
    }

    /// Overwrites key material before the array is released (best effort: Swift may have copied it).
    static func wipe(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { buffer in
            if let base = buffer.baseAddress { OPENSSL_cleanse(base, buffer.count) }
        }
    }
}
