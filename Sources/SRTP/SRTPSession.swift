import CSRTP

/// One libsrtp session for one direction, covering every SSRC
/// (`ssrc_any_outbound` / `ssrc_any_inbound`: libsrtp clones a per-SSRC
/// stream from the template on first use).
///
/// Protection and unprotection work in place, in the caller's buffer, with
/// no allocation.
///
/// Thread confinement: libsrtp sessions are not thread-safe, and neither is
/// this class. Each session belongs to one event loop and must only be used
/// from it. It is marked `@unchecked Sendable` solely so that it can be
/// created on one thread and handed to its event loop (or stored in a
/// channel handler); using it from two threads at once is a data race.
public final class SRTPSession: @unchecked Sendable {
    /// Which way packets flow through the session.
    public enum Direction: Sendable, Hashable {
        /// We protect what we send.
        case outbound
        /// We unprotect what we receive.
        case inbound
    }

    /// Session settings.
    public struct Configuration: Sendable {
        /// Replay window in packets (RFC 3711 §3.3.2). 1024 tolerates the
        /// reordering of video retransmissions; libsrtp accepts 64...32767.
        public var replayWindowSize: Int = 1024
        /// Outbound only: let the same sequence number be protected twice
        /// (`allow_repeat_tx`), which plain NACK retransmissions without RTX
        /// need. Repeats must carry the same payload.
        public var allowRepeatedTransmission: Bool = true
        /// Which code does AEAD_AES_128_GCM / AEAD_AES_256_GCM (the other
        /// profiles always use libsrtp).
        public var aeadImplementation: AEADImplementation = .openSSL

        public init() {}
    }

    /// Bytes of tailroom `protectRTP` may write past the packet:
    /// libsrtp's SRTP_MAX_TRAILER_LEN (tag plus MKI). The actual growth is
    /// the profile's `rtpTrailerLength`.
    public static let maxTrailer = 144
    /// Bytes of tailroom `protectRTCP` may write: SRTP_MAX_TRAILER_LEN plus
    /// the 4-byte SRTCP index.
    public static let maxRTCPTrailer = maxTrailer + 4

    /// RFC 3550 §5.1 fixed header.
    private static let minimumRTPLength = 12
    /// RFC 3550 §6.4.1 header (8 bytes) plus the SRTCP index (RFC 3711 §3.4).
    private static let minimumSRTCPLength = 12
    private static let minimumRTCPLength = 8

    /// Who implements the AEAD (GCM) profiles.
    public enum AEADImplementation: Sendable, Hashable {
        /// RFC 7714 in this module on OpenSSL's EVP AES-GCM (default: an
        /// order of magnitude cheaper than Debian's NSS-backed libsrtp).
        case openSSL
        /// libsrtp2, as for AES-CM (the baseline, kept for comparison).
        case libsrtp
    }

    public let profile: SRTPProtectionProfile
    public let direction: Direction
    /// `srtp_t`, owned, when libsrtp does the work.
    private let session: srtp_t?
    /// The OpenSSL AEAD implementation, when it does.
    private let aead: SRTPAEADSession?

    /// Creates a session from a master key and salt (RFC 3711 §8.2: each
    /// direction has its own).
    public init(
        profile: SRTPProtectionProfile, masterKey: [UInt8], masterSalt: [UInt8], direction: Direction,
        configuration: Configuration = Configuration()
    ) throws(SRTPError) {
        try SRTPLibrary.ensureInitialized()
        guard masterKey.count == profile.masterKeyLength, masterSalt.count == profile.masterSaltLength else {
            throw .invalidKeyLength(profile: profile, keyLength: masterKey.count, saltLength: masterSalt.count)
        }
        guard (64...0x7FFF).contains(configuration.replayWindowSize) else {
            throw .invalidConfiguration(reason: "replay window \(configuration.replayWindowSize) not in 64...32767")
        }
        self.profile = profile
        self.direction = direction
        if profile.isAEAD, configuration.aeadImplementation == .openSSL {
            aead = try SRTPAEADSession(
                masterKey: masterKey, masterSalt: masterSalt, outbound: direction == .outbound,
                window: configuration.replayWindowSize, allowRepeat: configuration.allowRepeatedTransmission)
            session = nil
            return
        }
        aead = nil
        var policy = srtp_policy_t()
        profile.apply(to: &policy)
        policy.ssrc = srtp_ssrc_t(type: direction == .outbound ? ssrc_any_outbound : ssrc_any_inbound, value: 0)
        policy.window_size = UInt(configuration.replayWindowSize)
        policy.allow_repeat_tx = direction == .outbound && configuration.allowRepeatedTransmission ? 1 : 0
        policy.next = nil
        // libsrtp takes key || salt in one buffer and copies it in srtp_create.
        var keyAndSalt = masterKey + masterSalt
        var created: srtp_t?
        let status = keyAndSalt.withUnsafeMutableBufferPointer { buffer in
            policy.key = buffer.baseAddress
            return srtp_create(&created, &policy)
        }
        // Do not leave key material in freed memory.
        for index in keyAndSalt.indices { keyAndSalt[index] = 0 }
        guard status == srtp_err_status_ok, let created else {
            throw SRTPLibrary.error(for: status, length: 0)
        }
        self.session = created
    }

    deinit {
        if let session { srtp_dealloc(session) }
    }

    /// Protects the RTP packet in `buffer[0..<length]` in place (RFC 3711
    /// §3.3 / RFC 7714 §7) and returns the new length. `buffer` must extend
    /// at least `SRTPSession.maxTrailer` bytes past `length`.
    public func protectRTP(buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        guard direction == .outbound else { throw .wrongDirection }
        let headerLength = try Self.checkRTP(buffer, length: length)
        try Self.checkTailroom(buffer, length: length, trailer: Self.maxTrailer)
        if let aead { return try aead.protectRTP(buffer, length: length, headerLength: headerLength) }
        return try run(buffer, length: length) { session, pointer, lengthPointer in
            srtp_protect(session, pointer, lengthPointer)
        }
    }

    /// Verifies and decrypts the SRTP packet in `buffer[0..<length]` in place
    /// and returns the RTP length.
    public func unprotectRTP(buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        guard direction == .inbound else { throw .wrongDirection }
        let headerLength = try Self.checkRTP(buffer, length: length)
        if let aead { return try aead.unprotectRTP(buffer, length: length, headerLength: headerLength) }
        return try run(buffer, length: length) { session, pointer, lengthPointer in
            srtp_unprotect(session, pointer, lengthPointer)
        }
    }

    /// Protects the (compound) RTCP packet in `buffer[0..<length]` in place
    /// (RFC 3711 §3.4 / RFC 7714 §9) and returns the new length. `buffer`
    /// must extend at least `SRTPSession.maxRTCPTrailer` bytes past `length`.
    public func protectRTCP(buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        guard direction == .outbound else { throw .wrongDirection }
        try Self.checkRTCP(buffer, length: length, minimum: Self.minimumRTCPLength)
        try Self.checkTailroom(buffer, length: length, trailer: Self.maxRTCPTrailer)
        if let aead { return try aead.protectRTCP(buffer, length: length) }
        return try run(buffer, length: length) { session, pointer, lengthPointer in
            srtp_protect_rtcp(session, pointer, lengthPointer)
        }
    }

    /// Verifies and decrypts the SRTCP packet in `buffer[0..<length]` in
    /// place and returns the RTCP length.
    public func unprotectRTCP(buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        guard direction == .inbound else { throw .wrongDirection }
        try Self.checkRTCP(buffer, length: length, minimum: Self.minimumSRTCPLength)
        if let aead { return try aead.unprotectRTCP(buffer, length: length) }
        return try run(buffer, length: length) { session, pointer, lengthPointer in
            srtp_unprotect_rtcp(session, pointer, lengthPointer)
        }
    }

    private func run(
        _ buffer: UnsafeMutableRawBufferPointer, length: Int,
        _ operation: (srtp_t, UnsafeMutableRawPointer, UnsafeMutablePointer<Int32>) -> srtp_err_status_t
    ) throws(SRTPError) -> Int {
        guard let session, let base = buffer.baseAddress, var cLength = Int32(exactly: length) else {
            throw .malformed(reason: "length not representable", length: length)
        }
        let status = operation(session, base, &cLength)
        guard status == srtp_err_status_ok else {
            throw SRTPLibrary.error(for: status, length: length)
        }
        // libsrtp never grows past the tailroom checked above nor shrinks
        // below zero; check anyway rather than trust a C length.
        guard cLength >= 0, Int(cLength) <= buffer.count else {
            throw .other(code: -1)
        }
        return Int(cLength)
    }

    /// RFC 3550 §5.1 header, with the RFC 3550 §5.3.1 extension:
    ///
    /// ```
    ///  0                   1                   2                   3
    ///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    /// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    /// |V=2|P|X|  CC   |M|     PT      |       sequence number         |
    /// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    /// |                           timestamp                           |
    /// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    /// |           synchronization source (SSRC) identifier            |
    /// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
    /// |            contributing source (CSRC) identifiers             |
    /// |                             ....                              |
    /// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    /// |      defined by profile       |           length              |
    /// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    /// |                        header extension                       |
    /// |                             ....                              |
    /// ```
    ///
    /// The whole header (CSRCs and extension) must fit in `length`, so that
    /// libsrtp never reads past the packet whatever its own checks do.
    @discardableResult
    private static func checkRTP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        guard length >= minimumRTPLength, length <= buffer.count else {
            throw .malformed(reason: "RTP needs 12...\(buffer.count) bytes", length: length)
        }
        let first = buffer[0]
        guard first >> 6 == 2 else {
            throw .malformed(reason: "RTP version \(first >> 6)", length: length)
        }
        var headerLength = minimumRTPLength + 4 * Int(first & 0x0F)
        if first & 0x10 != 0 {
            guard headerLength + 4 <= length else {
                throw .malformed(reason: "header extension past the end", length: length)
            }
            let words = Int(buffer[headerLength + 2]) << 8 | Int(buffer[headerLength + 3])
            headerLength += 4 + 4 * words
        }
        guard headerLength <= length else {
            throw .malformed(reason: "\(headerLength)-byte header", length: length)
        }
        return headerLength
    }

    /// RFC 3550 §6.4.1: at least the 8-byte header, version 2.
    private static func checkRTCP(_ buffer: UnsafeMutableRawBufferPointer, length: Int, minimum: Int) throws(SRTPError) {
        guard length >= minimum, length <= buffer.count else {
            throw .malformed(reason: "RTCP needs \(minimum)...\(buffer.count) bytes", length: length)
        }
        guard buffer[0] >> 6 == 2 else {
            throw .malformed(reason: "RTCP version \(buffer[0] >> 6)", length: length)
        }
    }

    private static func checkTailroom(_ buffer: UnsafeMutableRawBufferPointer, length: Int, trailer: Int) throws(SRTPError) {
        guard buffer.count - length >= trailer else {
            throw .insufficientTailroom(needed: length + trailer, available: buffer.count)
        }
    }
}
