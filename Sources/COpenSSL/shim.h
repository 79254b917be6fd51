// System OpenSSL (libssl-dev): hashing, HMAC, random bytes and key derivation for the server.
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/crypto.h>
