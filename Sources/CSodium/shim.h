#ifndef EDGEMESH_CSODIUM_SHIM_H
#define EDGEMESH_CSODIUM_SHIM_H
#include <sodium.h>
/*
 * libsodium's plain integer macros (e.g. crypto_aead_aes256gcm_KEYBYTES) import
 * into Swift as constants. Its *_MAX macros do not (they expand to SODIUM_MIN
 * expressions): Swift code calls their function forms instead, e.g.
 * crypto_aead_aes256gcm_messagebytes_max(). size_t imports as Int, so the
 * Trunk module reinterprets such results with UInt(bitPattern:).
 * No static inline wrappers are needed for the Trunk module.
 */
#endif
