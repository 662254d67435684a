import CSRTP

/// The SRTP protection profiles EdgeMesh negotiates through DTLS-SRTP.
///
/// Raw values are the IANA DTLS-SRTP code points (RFC 5764 §4.1.2, RFC 7714
/// §14.2), the same as `DTLS.DTLSSRTPProfile`'s, so
/// `SRTPProtectionProfile(rawValue: endpoint.srtpProfile.rawValue)` converts.
public enum SRTPProtectionProfile: UInt16, Sendable, CaseIterable, CustomStringConvertible {
    /// SRTP_AES128_CM_HMAC_SHA1_80: AES-128 counter mode, HMAC-SHA1 with an
    /// 80-bit tag for RTP and RTCP (RFC 3711 §5, RFC 5764 §4.1.2).
    case aes128CMHMACSHA1_80 = 0x0001
    /// SRTP_AEAD_AES_128_GCM: AES-128-GCM with a 16-byte tag (RFC 7714).
    case aeadAES128GCM = 0x0007
    /// SRTP_AEAD_AES_256_GCM: AES-256-GCM with a 16-byte tag (RFC 7714).
    case aeadAES256GCM = 0x0008

    /// Master key length in bytes.
    public var masterKeyLength: Int {
        switch self {
        case .aes128CMHMACSHA1_80, .aeadAES128GCM: 16
        case .aeadAES256GCM: 32
        }
    }

    /// Master salt length in bytes (112 bits for AES-CM, 96 for AEAD).
    public var masterSaltLength: Int {
        switch self {
        case .aes128CMHMACSHA1_80: 14
        case .aeadAES128GCM, .aeadAES256GCM: 12
        }
    }

    /// Bytes `protectRTP` adds (the authentication tag).
    public var rtpTrailerLength: Int {
        switch self {
        case .aes128CMHMACSHA1_80: 10
        case .aeadAES128GCM, .aeadAES256GCM: 16
        }
    }

    /// Bytes `protectRTCP` adds: the E flag and SRTCP index (4) plus the tag.
    public var rtcpTrailerLength: Int { 4 + rtpTrailerLength }

    /// Whether the profile is an RFC 7714 AEAD (AES-GCM) profile.
    public var isAEAD: Bool { self != .aes128CMHMACSHA1_80 }

    public var description: String {
        switch self {
        case .aes128CMHMACSHA1_80: "AES_CM_128_HMAC_SHA1_80"
        case .aeadAES128GCM: "AEAD_AES_128_GCM"
        case .aeadAES256GCM: "AEAD_AES_256_GCM"
        }
    }

    /// Fills libsrtp's crypto policies for RTP and RTCP.
    /// (`srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80` is a macro for
    /// `srtp_crypto_policy_set_rtp_default`.)
    func apply(to policy: inout srtp_policy_t) {
        switch self {
        case .aes128CMHMACSHA1_80:
            srtp_crypto_policy_set_rtp_default(&policy.rtp)
            srtp_crypto_policy_set_rtcp_default(&policy.rtcp)
        case .aeadAES128GCM:
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp)
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp)
        case .aeadAES256GCM:
            srtp_crypto_policy_set_aes_gcm_256_16_auth(&policy.rtp)
            srtp_crypto_policy_set_aes_gcm_256_16_auth(&policy.rtcp)
        }
    }
}
