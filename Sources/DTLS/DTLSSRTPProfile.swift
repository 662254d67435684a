/// An SRTP protection profile negotiated by the DTLS `use_srtp` extension.
///
/// Raw values are the IANA code points: RFC 5764 §4.1.2 for
/// `SRTP_AES128_CM_HMAC_SHA1_80` and RFC 7714 §14.2 for the AEAD profiles.
/// The `SRTP` module has a matching `SRTPProtectionProfile` with the same raw
/// values; convert with `SRTPProtectionProfile(rawValue: profile.rawValue)`.
public enum DTLSSRTPProfile: UInt16, Sendable, CaseIterable, CustomStringConvertible {
    /// SRTP_AES128_CM_HMAC_SHA1_80 = {0x00, 0x01}
    case aes128CMHMACSHA1_80 = 0x0001
    /// SRTP_AEAD_AES_128_GCM = {0x00, 0x07}
    case aeadAES128GCM = 0x0007
    /// SRTP_AEAD_AES_256_GCM = {0x00, 0x08}
    case aeadAES256GCM = 0x0008

    /// The profile's name in OpenSSL's `SSL_CTX_set_tlsext_use_srtp` list.
    public var openSSLName: String {
        switch self {
        case .aes128CMHMACSHA1_80: "SRTP_AES128_CM_SHA1_80"
        case .aeadAES128GCM: "SRTP_AEAD_AES_128_GCM"
        case .aeadAES256GCM: "SRTP_AEAD_AES_256_GCM"
        }
    }

    /// Master key length in bytes (RFC 5764 §4.1.2, RFC 7714 §14.2).
    public var masterKeyLength: Int {
        switch self {
        case .aes128CMHMACSHA1_80, .aeadAES128GCM: 16
        case .aeadAES256GCM: 32
        }
    }

    /// Master salt length in bytes: 112 bits for AES-CM, 96 bits for AEAD.
    public var masterSaltLength: Int {
        switch self {
        case .aes128CMHMACSHA1_80: 14
        case .aeadAES128GCM, .aeadAES256GCM: 12
        }
    }

    /// The offer order WebRTC wants: AEAD first (much cheaper with the
    /// system libsrtp), AES-CM last for old peers.
    public static let defaultPreference: [DTLSSRTPProfile] = [.aeadAES128GCM, .aeadAES256GCM, .aes128CMHMACSHA1_80]

    public var description: String { openSSLName }
}

/// Which side of the DTLS handshake an endpoint plays. With WebRTC this
/// follows `a=setup`: `active` is the client, `passive` the server.
public enum DTLSRole: Sendable, Hashable {
    case client
    case server
}

/// One direction's SRTP master key and salt.
public struct SRTPMasterKeyAndSalt: Sendable, Hashable {
    public let key: [UInt8]
    public let salt: [UInt8]

    public init(key: [UInt8], salt: [UInt8]) {
        self.key = key
        self.salt = salt
    }
}

/// Keys exported from a DTLS-SRTP handshake (RFC 5764 §4.2).
///
/// The exporter output is `client_write_SRTP_master_key[key_len] |
/// server_write_SRTP_master_key[key_len] | client_write_SRTP_master_salt[salt_len]
/// | server_write_SRTP_master_salt[salt_len]`; the client protects what it
/// sends with the client keys, the server with the server keys.
public struct SRTPKeyingMaterial: Sendable, Hashable {
    /// The negotiated profile.
    public let profile: DTLSSRTPProfile
    /// Keys the DTLS client protects with.
    public let client: SRTPMasterKeyAndSalt
    /// Keys the DTLS server protects with.
    public let server: SRTPMasterKeyAndSalt

    public init(profile: DTLSSRTPProfile, client: SRTPMasterKeyAndSalt, server: SRTPMasterKeyAndSalt) {
        self.profile = profile
        self.client = client
        self.server = server
    }

    /// Splits RFC 5764 §4.2 exporter output; `nil` if the length is wrong.
    public init?(profile: DTLSSRTPProfile, exporterOutput bytes: [UInt8]) {
        let keyLength = profile.masterKeyLength
        let saltLength = profile.masterSaltLength
        guard bytes.count == 2 * (keyLength + saltLength) else { return nil }
        let clientKey = Array(bytes[0..<keyLength])
        let serverKey = Array(bytes[keyLength..<(2 * keyLength)])
        let saltStart = 2 * keyLength
        let clientSalt = Array(bytes[saltStart..<(saltStart + saltLength)])
        let serverSalt = Array(bytes[(saltStart + saltLength)...])
        self.init(
            profile: profile,
            client: SRTPMasterKeyAndSalt(key: clientKey, salt: clientSalt),
            server: SRTPMasterKeyAndSalt(key: serverKey, salt: serverSalt))
    }

    /// The keys this side protects outgoing packets with.
    public func localKeys(for role: DTLSRole) -> SRTPMasterKeyAndSalt {
        role == .client ? client : server
    }

    /// The keys this side unprotects incoming packets with.
    public func remoteKeys(for role: DTLSRole) -> SRTPMasterKeyAndSalt {
        role == .client ? server : client
    }
}
