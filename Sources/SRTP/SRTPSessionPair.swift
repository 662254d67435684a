/// The two sessions of one DTLS-SRTP transport: `outbound` protects what we
/// send with our write keys, `inbound` unprotects what the peer sends with
/// its write keys (RFC 5764 §4.2).
///
/// Built from the plain key bytes the `DTLS` module exports, so neither
/// module depends on the other:
///
/// ```swift
/// let material = try endpoint.exportSRTPKeyingMaterial()
/// let local = material.localKeys(for: endpoint.role)
/// let remote = material.remoteKeys(for: endpoint.role)
/// let sessions = try SRTPSessionPair(
///     profileID: material.profile.rawValue,
///     localMasterKey: local.key, localMasterSalt: local.salt,
///     remoteMasterKey: remote.key, remoteMasterSalt: remote.salt)
/// ```
public struct SRTPSessionPair: Sendable {
    /// Protects outgoing RTP and RTCP.
    public let outbound: SRTPSession
    /// Unprotects incoming SRTP and SRTCP.
    public let inbound: SRTPSession

    /// Initialises libsrtp (and its crypto backend) now rather than on the
    /// first session: a node calls this at start so the first participant's
    /// handshake does not pay for loading the backend's modules.
    public static func prepareLibrary() throws(SRTPError) {
        try SRTPLibrary.ensureInitialized()
    }

    public init(
        profile: SRTPProtectionProfile,
        localMasterKey: [UInt8], localMasterSalt: [UInt8],
        remoteMasterKey: [UInt8], remoteMasterSalt: [UInt8],
        configuration: SRTPSession.Configuration = SRTPSession.Configuration()
    ) throws(SRTPError) {
        outbound = try SRTPSession(
            profile: profile, masterKey: localMasterKey, masterSalt: localMasterSalt, direction: .outbound,
            configuration: configuration)
        inbound = try SRTPSession(
            profile: profile, masterKey: remoteMasterKey, masterSalt: remoteMasterSalt, direction: .inbound,
            configuration: configuration)
    }

    /// Same, with the profile given by its DTLS-SRTP code point
    /// (`DTLSSRTPProfile.rawValue`).
    public init(
        profileID: UInt16,
        localMasterKey: [UInt8], localMasterSalt: [UInt8],
        remoteMasterKey: [UInt8], remoteMasterSalt: [UInt8],
        configuration: SRTPSession.Configuration = SRTPSession.Configuration()
    ) throws(SRTPError) {
        guard let profile = SRTPProtectionProfile(rawValue: profileID) else {
            throw .invalidConfiguration(reason: "unknown SRTP protection profile 0x\(String(profileID, radix: 16))")
        }
        try self.init(
            profile: profile, localMasterKey: localMasterKey, localMasterSalt: localMasterSalt,
            remoteMasterKey: remoteMasterKey, remoteMasterSalt: remoteMasterSalt, configuration: configuration)
    }
}
