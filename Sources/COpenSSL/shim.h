// System OpenSSL (libssl-dev): hashing, HMAC, random bytes and key derivation for the server.
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/crypto.h>
// Agent secrets (LogstagAgent/Secrets): HKDF through EVP_PKEY_derive and AES-256-GCM.
#include <openssl/kdf.h>
