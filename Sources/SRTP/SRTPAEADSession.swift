/// RFC 7714 AEAD_AES_128_GCM / AEAD_AES_256_GCM for one direction, on
/// OpenSSL's EVP AES-GCM instead of libsrtp.
///
/// Why: Debian's libsrtp2 is built on NSS, whose per-call PKCS#11 session
/// and object lookups (a lock and linked-list walks that lengthen with every
/// SRTP stream) cost more than the cipher itself; an SFU protects every
/// packet once per subscriber. See docs/decisions.md.
///
/// Packet layouts:
///
/// ```
/// SRTP (RFC 7714 §8):   RTP header (AAD) | ciphertext | tag (16)
///   IV = (0x0000 || SSRC || ROC || SEQ) XOR session salt      (12 bytes)
///
/// SRTCP (RFC 7714 §9):  first 8 bytes (AAD) | ciphertext | tag (16) | E || index (4)
///   IV  = (0x0000 || SSRC || 0x0000 || 0 || index) XOR session salt
///   AAD = first 8 bytes || E || index                    (E = 1: encrypted)
///   With E = 0 the whole packet is AAD and nothing is encrypted.
/// ```
///
/// Streams (per SSRC) are created on first use; on the inbound side only
/// after a packet authenticated, so forgeries cannot create state.
final class SRTPAEADSession {
    private let rtpCipher: AESGCMContext
    private let rtcpCipher: AESGCMContext
    private let rtpSalt: [UInt8]
    private let rtcpSalt: [UInt8]
    private let outbound: Bool
    private let window: Int
    private let allowRepeat: Bool
    /// Per-SSRC state, boxed so updates happen in place (no copy-on-write of the bitmap).
    private final class Stream {
        var window: SRTPReplayWindow
        init(window: Int) { self.window = SRTPReplayWindow(window: window) }
    }
    private var rtpStreams: [UInt32: Stream] = [:]
    private var rtcpStreams: [UInt32: Stream] = [:]
    /// Outbound SRTCP: the last index used per SSRC (the first sent is 1, as libsrtp).
    private var rtcpIndices: [UInt32: UInt32] = [:]
    /// Scratch memory owned by the session: the IV (12 bytes) and the SRTCP AAD (12 bytes).
    private let iv = UnsafeMutableRawBufferPointer.allocate(byteCount: AESGCMContext.ivLength, alignment: 8)
    private let rtcpAAD = UnsafeMutableRawBufferPointer.allocate(byteCount: 12, alignment: 8)

    static let tagLength = AESGCMContext.tagLength
    private static let maxSRTCPIndex: UInt32 = 0x7FFF_FFFF

    init(
        masterKey: [UInt8], masterSalt: [UInt8], outbound: Bool, window: Int, allowRepeat: Bool
    ) throws(SRTPError) {
        var rtpKey = try SRTPKeyDerivation.derive(
            masterKey: masterKey, masterSalt: masterSalt, label: .srtpEncryption, length: masterKey.count)
        var rtcpKey = try SRTPKeyDerivation.derive(
            masterKey: masterKey, masterSalt: masterSalt, label: .srtcpEncryption, length: masterKey.count)
        defer {
            for index in rtpKey.indices { rtpKey[index] = 0 }
            for index in rtcpKey.indices { rtcpKey[index] = 0 }
        }
        rtpSalt = try SRTPKeyDerivation.derive(masterKey: masterKey, masterSalt: masterSalt, label: .srtpSalt, length: 12)
        rtcpSalt = try SRTPKeyDerivation.derive(masterKey: masterKey, masterSalt: masterSalt, label: .srtcpSalt, length: 12)
        rtpCipher = try AESGCMContext(key: rtpKey, encrypting: outbound)
        rtcpCipher = try AESGCMContext(key: rtcpKey, encrypting: outbound)
        self.outbound = outbound
        self.window = window
        self.allowRepeat = allowRepeat
        iv.initializeMemory(as: UInt8.self, repeating: 0)
        rtcpAAD.initializeMemory(as: UInt8.self, repeating: 0)
    }

    deinit {
        iv.deallocate()
        rtcpAAD.deallocate()
    }

    // MARK: RTP

    /// Protects `buffer[0..<length]` (an RTP packet whose header is
    /// `headerLength` bytes) in place; returns the new length.
    func protectRTP(_ buffer: UnsafeMutableRawBufferPointer, length: Int, headerLength: Int) throws(SRTPError) -> Int {
        let ssrc = Self.read32(buffer, at: 8)
        let sequence = UInt16(buffer[2]) << 8 | UInt16(buffer[3])
        let stream = rtpStreams[ssrc] ?? Stream(window: window)
        let index = stream.window.estimate(sequence: sequence)
        switch stream.window.check(index) {
        case .tooOld: throw .replayed
        case .replayed where !allowRepeat: throw .replayed
        case .new, .replayed: break
        }
        try sealRTP(buffer, length: length, headerLength: headerLength, ssrc: ssrc, index: index)
        stream.window.commit(index)
        if rtpStreams[ssrc] == nil { rtpStreams[ssrc] = stream }
        return length + Self.tagLength
    }

    /// Verifies and decrypts the SRTP packet in place; returns the RTP length.
    func unprotectRTP(_ buffer: UnsafeMutableRawBufferPointer, length: Int, headerLength: Int) throws(SRTPError) -> Int {
        guard length - headerLength >= Self.tagLength else {
            throw .malformed(reason: "shorter than header and tag", length: length)
        }
        let ssrc = Self.read32(buffer, at: 8)
        let sequence = UInt16(buffer[2]) << 8 | UInt16(buffer[3])
        let stream = rtpStreams[ssrc] ?? Stream(window: window)
        let index = stream.window.estimate(sequence: sequence)
        guard stream.window.check(index) == .new else { throw .replayed }
        setIV(salt: rtpSalt, ssrc: ssrc, high: UInt32(truncatingIfNeeded: index >> 16), low: UInt16(truncatingIfNeeded: index))
        let textEnd = length - Self.tagLength
        guard let base = buffer.baseAddress, let ivBase = iv.baseAddress else { throw .malformed(reason: "empty", length: length) }
        try rtpCipher.open(
            iv: ivBase, aad: UnsafeRawBufferPointer(rebasing: buffer[0..<headerLength]),
            text: UnsafeMutableRawBufferPointer(rebasing: buffer[headerLength..<textEnd]),
            tag: UnsafeRawPointer(base) + textEnd)
        stream.window.commit(index)
        if rtpStreams[ssrc] == nil { rtpStreams[ssrc] = stream }
        return textEnd
    }

    private func sealRTP(
        _ buffer: UnsafeMutableRawBufferPointer, length: Int, headerLength: Int, ssrc: UInt32, index: UInt64
    ) throws(SRTPError) {
        setIV(salt: rtpSalt, ssrc: ssrc, high: UInt32(truncatingIfNeeded: index >> 16), low: UInt16(truncatingIfNeeded: index))
        guard let base = buffer.baseAddress, let ivBase = iv.baseAddress else { throw .malformed(reason: "empty", length: length) }
        try rtpCipher.seal(
            iv: ivBase, aad: UnsafeRawBufferPointer(rebasing: buffer[0..<headerLength]),
            text: UnsafeMutableRawBufferPointer(rebasing: buffer[headerLength..<length]),
            tag: base + length)
    }

    // MARK: RTCP

    /// Protects the compound RTCP packet `buffer[0..<length]` in place
    /// (encrypted, E = 1); returns the new length (+ tag + 4).
    func protectRTCP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        let ssrc = Self.read32(buffer, at: 4)
        let last = rtcpIndices[ssrc] ?? 0
        guard last < Self.maxSRTCPIndex else { throw .invalidConfiguration(reason: "SRTCP index exhausted; re-key") }
        let index = last + 1
        setIV(salt: rtcpSalt, ssrc: ssrc, high: 0, low: 0, rtcpIndex: index)
        let trailer = length + Self.tagLength
        Self.write32(buffer, at: trailer, 0x8000_0000 | index)
        // AAD = first 8 bytes || E || index.
        UnsafeMutableRawBufferPointer(rebasing: rtcpAAD[0..<8]).copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[0..<8]))
        UnsafeMutableRawBufferPointer(rebasing: rtcpAAD[8..<12])
            .copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[trailer..<(trailer + 4)]))
        guard let base = buffer.baseAddress, let ivBase = iv.baseAddress else { throw .malformed(reason: "empty", length: length) }
        try rtcpCipher.seal(
            iv: ivBase, aad: UnsafeRawBufferPointer(rtcpAAD),
            text: UnsafeMutableRawBufferPointer(rebasing: buffer[8..<length]), tag: base + length)
        rtcpIndices[ssrc] = index
        return trailer + 4
    }

    /// Verifies (and decrypts when E = 1) the SRTCP packet in place; returns the RTCP length.
    func unprotectRTCP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        guard length >= 8 + Self.tagLength + 4 else {
            throw .malformed(reason: "SRTCP shorter than header, tag and index", length: length)
        }
        let ssrc = Self.read32(buffer, at: 4)
        let word = Self.read32(buffer, at: length - 4)
        let encrypted = word & 0x8000_0000 != 0
        let index = word & Self.maxSRTCPIndex
        let stream = rtcpStreams[ssrc] ?? Stream(window: window)
        guard stream.window.check(UInt64(index)) == .new else { throw .replayed }
        setIV(salt: rtcpSalt, ssrc: ssrc, high: 0, low: 0, rtcpIndex: index)
        let tagStart = length - 4 - Self.tagLength
        // AAD: the 8-byte header (E = 1) or everything before the tag (E = 0), then E || index.
        let head = encrypted ? 8 : tagStart
        let aad = encrypted ? rtcpAAD : UnsafeMutableRawBufferPointer.allocate(byteCount: head + 4, alignment: 8)
        defer { if !encrypted { aad.deallocate() } }
        UnsafeMutableRawBufferPointer(rebasing: aad[0..<head]).copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[0..<head]))
        UnsafeMutableRawBufferPointer(rebasing: aad[head..<(head + 4)])
            .copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[(length - 4)..<length]))
        guard let base = buffer.baseAddress, let ivBase = iv.baseAddress else { throw .malformed(reason: "empty", length: length) }
        try rtcpCipher.open(
            iv: ivBase, aad: UnsafeRawBufferPointer(aad),
            text: UnsafeMutableRawBufferPointer(rebasing: buffer[head..<tagStart]),
            tag: UnsafeRawPointer(base) + tagStart)
        stream.window.commit(UInt64(index))
        if rtcpStreams[ssrc] == nil { rtcpStreams[ssrc] = stream }
        return tagStart
    }

    // MARK: Helpers

    /// IV = (0x0000 || SSRC || high || low) XOR salt, RTP: high = ROC, low = SEQ;
    /// RTCP: 0x0000 || SSRC || 0x0000 || index.
    private func setIV(salt: [UInt8], ssrc: UInt32, high: UInt32, low: UInt16, rtcpIndex: UInt32? = nil) {
        iv[0] = 0
        iv[1] = 0
        iv[2] = UInt8(truncatingIfNeeded: ssrc >> 24)
        iv[3] = UInt8(truncatingIfNeeded: ssrc >> 16)
        iv[4] = UInt8(truncatingIfNeeded: ssrc >> 8)
        iv[5] = UInt8(truncatingIfNeeded: ssrc)
        if let rtcpIndex {
            iv[6] = 0
            iv[7] = 0
            iv[8] = UInt8(truncatingIfNeeded: rtcpIndex >> 24)
            iv[9] = UInt8(truncatingIfNeeded: rtcpIndex >> 16)
            iv[10] = UInt8(truncatingIfNeeded: rtcpIndex >> 8)
            iv[11] = UInt8(truncatingIfNeeded: rtcpIndex)
        } else {
            iv[6] = UInt8(truncatingIfNeeded: high >> 24)
            iv[7] = UInt8(truncatingIfNeeded: high >> 16)
            iv[8] = UInt8(truncatingIfNeeded: high >> 8)
            iv[9] = UInt8(truncatingIfNeeded: high)
            iv[10] = UInt8(truncatingIfNeeded: low >> 8)
            iv[11] = UInt8(truncatingIfNeeded: low)
        }
        for index in 0..<12 { iv[index] ^= salt[index] }
    }

    private static func read32(_ buffer: UnsafeMutableRawBufferPointer, at offset: Int) -> UInt32 {
        UInt32(buffer[offset]) << 24 | UInt32(buffer[offset + 1]) << 16 | UInt32(buffer[offset + 2]) << 8
            | UInt32(buffer[offset + 3])
    }

    private static func write32(_ buffer: UnsafeMutableRawBufferPointer, at offset: Int, _ value: UInt32) {
        buffer[offset] = UInt8(truncatingIfNeeded: value >> 24)
        buffer[offset + 1] = UInt8(truncatingIfNeeded: value >> 16)
        buffer[offset + 2] = UInt8(truncatingIfNeeded: value >> 8)
        buffer[offset + 3] = UInt8(truncatingIfNeeded: value)
    }
}
