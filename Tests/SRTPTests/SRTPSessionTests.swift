import Testing
@testable import SRTP

/// An RTP packet: V=2, PT 96, the given sequence number and SSRC, payload.
func rtpPacket(sequence: UInt16, ssrc: UInt32 = 0x1122_3344, payload: [UInt8] = Array(repeating: 0x5A, count: 160)) -> [UInt8] {
    [0x80, 96, UInt8(sequence >> 8), UInt8(sequence & 0xFF),
     0, 0, 0x10, 0x00,  // timestamp 4096
     UInt8(ssrc >> 24), UInt8((ssrc >> 16) & 0xFF), UInt8((ssrc >> 8) & 0xFF), UInt8(ssrc & 0xFF)] + payload
}

/// A receiver report with no report blocks, sender SSRC 0x11223344 (RFC 3550 §6.4.2).
let receiverReport: [UInt8] = [0x80, 201, 0x00, 0x01, 0x11, 0x22, 0x33, 0x44]

/// Sender and receiver sessions with the same (arbitrary) keys.
func sessions(
    _ profile: SRTPProtectionProfile, configuration: SRTPSession.Configuration = SRTPSession.Configuration()
) throws -> (sender: SRTPSession, receiver: SRTPSession) {
    let key = (0..<profile.masterKeyLength).map { UInt8($0 &* 7 &+ 1) }
    let salt = (0..<profile.masterSaltLength).map { UInt8($0 &* 13 &+ 5) }
    return (
        try SRTPSession(profile: profile, masterKey: key, masterSalt: salt, direction: .outbound, configuration: configuration),
        try SRTPSession(profile: profile, masterKey: key, masterSalt: salt, direction: .inbound, configuration: configuration)
    )
}

@Suite("SRTP sessions")
struct SRTPSessionTests {
    @Test("RTP and RTCP round trip", arguments: SRTPProtectionProfile.allCases)
    func roundTrip(profile: SRTPProtectionProfile) throws {
        let (sender, receiver) = try sessions(profile)
        for sequence in UInt16(1)...50 {
            let original = rtpPacket(sequence: sequence)
            var packet = original
            try sender.protectRTP(&packet)
            #expect(packet.count == original.count + profile.rtpTrailerLength)
            #expect(packet.prefix(12) == original.prefix(12))  // header stays in the clear
            #expect(packet.dropFirst(12).prefix(160) != original.dropFirst(12))  // payload encrypted
            try receiver.unprotectRTP(&packet)
            #expect(packet == original)
        }
        var rtcp = receiverReport
        try sender.protectRTCP(&rtcp)
        #expect(rtcp.count == receiverReport.count + profile.rtcpTrailerLength)
        try receiver.unprotectRTCP(&rtcp)
        #expect(rtcp == receiverReport)
    }

    @Test("in-place protection into a caller buffer with tailroom")
    func inPlaceBuffer() throws {
        let (sender, receiver) = try sessions(.aeadAES128GCM)
        let original = rtpPacket(sequence: 7)
        var storage = [UInt8](repeating: 0, count: 1500)
        storage.replaceSubrange(0..<original.count, with: original)
        let protectedLength = try storage.withUnsafeMutableBytes { try sender.protectRTP(buffer: $0, length: original.count) }
        #expect(protectedLength == original.count + 16)
        let plainLength = try storage.withUnsafeMutableBytes { try receiver.unprotectRTP(buffer: $0, length: protectedLength) }
        #expect(Array(storage.prefix(plainLength)) == original)
    }

    @Test("a buffer without SRTPSession.maxTrailer bytes of tailroom is refused")
    func tailroom() throws {
        let (sender, _) = try sessions(.aes128CMHMACSHA1_80)
        var storage = rtpPacket(sequence: 1) + [UInt8](repeating: 0, count: 20)
        #expect(throws: SRTPError.insufficientTailroom(needed: 172 + SRTPSession.maxTrailer, available: 192)) {
            try storage.withUnsafeMutableBytes { try sender.protectRTP(buffer: $0, length: 172) }
        }
        #expect(SRTPSession.maxTrailer == 144)
    }

    @Test("a replayed packet is rejected with .replayed", arguments: SRTPProtectionProfile.allCases)
    func replay(profile: SRTPProtectionProfile) throws {
        let (sender, receiver) = try sessions(profile)
        var packet = rtpPacket(sequence: 100)
        try sender.protectRTP(&packet)
        var copy = packet
        try receiver.unprotectRTP(&packet)
        #expect(throws: SRTPError.replayed) { try receiver.unprotectRTP(&copy) }

        var rtcp = receiverReport
        try sender.protectRTCP(&rtcp)
        var rtcpCopy = rtcp
        try receiver.unprotectRTCP(&rtcp)
        #expect(throws: SRTPError.replayed) { try receiver.unprotectRTCP(&rtcpCopy) }
    }

    @Test("a packet older than the replay window is rejected with .replayed")
    func replayWindow() throws {
        var configuration = SRTPSession.Configuration()
        configuration.replayWindowSize = 64
        let (sender, receiver) = try sessions(.aeadAES128GCM, configuration: configuration)
        var old = rtpPacket(sequence: 1)
        try sender.protectRTP(&old)
        var new = rtpPacket(sequence: 200)
        try sender.protectRTP(&new)
        try receiver.unprotectRTP(&new)
        #expect(throws: SRTPError.replayed) { try receiver.unprotectRTP(&old) }
    }

    @Test("the default 1024-packet window accepts late retransmissions")
    func largeWindowAcceptsLatePackets() throws {
        let (sender, receiver) = try sessions(.aeadAES128GCM)
        var late = rtpPacket(sequence: 10)
        try sender.protectRTP(&late)
        var current = rtpPacket(sequence: 900)
        try sender.protectRTP(&current)
        try receiver.unprotectRTP(&current)
        try receiver.unprotectRTP(&late)
        #expect(late == rtpPacket(sequence: 10))
    }

    @Test("outbound sessions may protect the same sequence number twice (retransmission)")
    func repeatedTransmission() throws {
        let (sender, _) = try sessions(.aeadAES128GCM)
        var first = rtpPacket(sequence: 5)
        var again = rtpPacket(sequence: 5)
        try sender.protectRTP(&first)
        try sender.protectRTP(&again)
        #expect(first == again)

        var strict = SRTPSession.Configuration()
        strict.allowRepeatedTransmission = false
        let (strictSender, _) = try sessions(.aeadAES128GCM, configuration: strict)
        var once = rtpPacket(sequence: 5)
        var twice = rtpPacket(sequence: 5)
        try strictSender.protectRTP(&once)
        #expect(throws: SRTPError.replayed) { try strictSender.protectRTP(&twice) }
    }

    @Test("a flipped bit anywhere fails authentication", arguments: SRTPProtectionProfile.allCases)
    func flippedBit(profile: SRTPProtectionProfile) throws {
        let (sender, receiver) = try sessions(profile)
        var sequence: UInt16 = 1
        // Payload, tag, and header bytes (except the first, which would fail the version check).
        for position in [12, 50, 171, 172 + profile.rtpTrailerLength - 1, 2, 8] {
            var packet = rtpPacket(sequence: sequence)
            sequence += 1
            try sender.protectRTP(&packet)
            packet[position] ^= 0x01
            #expect(throws: SRTPError.authenticationFailed, "bit flipped at \(position)") { try receiver.unprotectRTP(&packet) }
        }
        var rtcp = receiverReport
        try sender.protectRTCP(&rtcp)
        rtcp[9] ^= 0x80
        #expect(throws: SRTPError.authenticationFailed) { try receiver.unprotectRTCP(&rtcp) }
    }

    @Test("packets protected with other keys fail authentication")
    func wrongKeys() throws {
        let (sender, _) = try sessions(.aeadAES128GCM)
        let other = try SRTPSession(
            profile: .aeadAES128GCM, masterKey: [UInt8](repeating: 9, count: 16), masterSalt: [UInt8](repeating: 9, count: 12),
            direction: .inbound)
        var packet = rtpPacket(sequence: 1)
        try sender.protectRTP(&packet)
        #expect(throws: SRTPError.authenticationFailed) { try other.unprotectRTP(&packet) }
    }

    static let malformedRTP: [[UInt8]] = [
        [],
        [0x80, 96, 0, 1],  // shorter than the fixed header
        [UInt8](repeating: 0, count: 40),  // version 0
        [0x40] + [UInt8](repeating: 0, count: 39),  // version 1
        [0x8F] + [UInt8](repeating: 0, count: 20),  // CSRC count 15 needs 72 header bytes
        [0x90, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xBE, 0xDE, 0xFF, 0xFF] + [UInt8](repeating: 0, count: 20),  // extension longer than packet
    ]

    @Test("malformed input is rejected with a typed error, never a crash", arguments: malformedRTP)
    func malformed(bytes: [UInt8]) throws {
        let (sender, receiver) = try sessions(.aeadAES128GCM)
        var packet = bytes
        #expect {
            try receiver.unprotectRTP(&packet)
        } throws: { error in
            guard case SRTPError.malformed(_, let length) = error else { return false }
            return length == bytes.count
        }
        var outgoing = bytes
        #expect(throws: SRTPError.self) { try sender.protectRTP(&outgoing) }
        #expect(outgoing == bytes)
        var rtcp = bytes
        #expect(throws: SRTPError.self) { try receiver.unprotectRTCP(&rtcp) }
    }

    @Test("random garbage never crashes unprotect", arguments: SRTPProtectionProfile.allCases)
    func garbage(profile: SRTPProtectionProfile) throws {
        let (_, receiver) = try sessions(profile)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<2_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let length = Int(state >> 54)  // 0...1023
            var packet = (0..<length).map { index in UInt8(truncatingIfNeeded: (state >> UInt64(index % 56)) &+ UInt64(index)) }
            if !packet.isEmpty { packet[0] = 0x80 | (packet[0] & 0x3F) }  // mostly version 2
            #expect(throws: SRTPError.self) { try receiver.unprotectRTP(&packet) }
            var rtcp = packet
            #expect(throws: SRTPError.self) { try receiver.unprotectRTCP(&rtcp) }
        }
    }

    @Test("wrong direction, bad key lengths and window sizes are refused")
    func misuse() throws {
        let (sender, receiver) = try sessions(.aeadAES256GCM)
        var packet = rtpPacket(sequence: 1)
        #expect(throws: SRTPError.wrongDirection) { try receiver.protectRTP(&packet) }
        #expect(throws: SRTPError.wrongDirection) { try sender.unprotectRTP(&packet) }
        #expect(throws: SRTPError.invalidKeyLength(profile: .aeadAES256GCM, keyLength: 16, saltLength: 12)) {
            try SRTPSession(profile: .aeadAES256GCM, masterKey: [UInt8](repeating: 1, count: 16), masterSalt: [UInt8](repeating: 1, count: 12), direction: .inbound)
        }
        var tinyWindow = SRTPSession.Configuration()
        tinyWindow.replayWindowSize = 16
        #expect(throws: SRTPError.self) { try sessions(.aeadAES128GCM, configuration: tinyWindow) }
        #expect(throws: SRTPError.self) {
            try SRTPSessionPair(profileID: 0x0002, localMasterKey: [], localMasterSalt: [], remoteMasterKey: [], remoteMasterSalt: [])
        }
    }

    @Test("one session protects several SSRCs with independent indices")
    func severalSSRCs() throws {
        let (sender, receiver) = try sessions(.aeadAES128GCM)
        for ssrc: UInt32 in [1, 2, 0xFFFF_FFFF] {
            for sequence in UInt16(0)..<5 {
                let original = rtpPacket(sequence: sequence, ssrc: ssrc)
                var packet = original
                try sender.protectRTP(&packet)
                try receiver.unprotectRTP(&packet)
                #expect(packet == original)
            }
        }
    }

    @Test("creating and destroying sessions does not leak")
    func noLeaks() throws {
        func round(_ count: Int) throws {
            for index in 0..<count {
                let profile = SRTPProtectionProfile.allCases[index % 3]
                let (sender, receiver) = try sessions(profile)
                var packet = rtpPacket(sequence: UInt16(index))
                try sender.protectRTP(&packet)
                try receiver.unprotectRTP(&packet)
            }
        }
        try round(200)  // warm-up
        // RSS is process-wide and other suites run in parallel: a leak grows
        // every round, a neighbour's allocations only some, so the smallest
        // growth of several rounds is what counts.
        var growth: [Int] = []
        for _ in 0..<5 {
            let before = residentBytes()
            try round(1_000)
            growth.append(residentBytes() - before)
        }
        // Each leaked session pair would be several kB (two contexts, one cloned stream each).
        #expect(try #require(growth.min()) < 1024 * 1024, "RSS growth per round: \(growth)")
    }
}
