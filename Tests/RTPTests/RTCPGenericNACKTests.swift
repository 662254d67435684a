import Testing
@testable import RTP

/// Generic NACK with one FCI entry.
let genericNACKBytes: [UInt8] = [
    0x81, 0xCD, 0x00, 0x03,  // V=2 P=0 FMT=1 | PT=205 RTPFB | length 3 (16 bytes)
    0x90, 0x2F, 0x9E, 0x2E,  // SSRC of packet sender
    0x90, 0x2F, 0x9E, 0x2F,  // SSRC of media source
    0x0A, 0xAB, 0x41, 0x01,  // PID 2731 | BLP 0x4101: +1, +9, +15
]

struct RTCPGenericNACKTests {
    @Test func parsesLostSequenceNumbers() throws {
        let nack = try GenericNACK(parsing: genericNACKBytes)
        #expect(nack.senderSSRC == 0x902F_9E2E)
        #expect(nack.mediaSSRC == 0x902F_9E2F)
        #expect(nack.pairs == [NACKPair(packetID: 2731, lostBitmask: 0x4101)])
        #expect(nack.lostSequenceNumbers == [2731, 2732, 2740, 2746])
        #expect(try nack.marshal() == genericNACKBytes)
    }

    struct PackCase: Sendable {
        let lost: [UInt16]
        let pairs: [NACKPair]
    }

    static let packCases: [PackCase] = [
        PackCase(lost: [], pairs: []),
        PackCase(lost: [5], pairs: [NACKPair(packetID: 5)]),
        PackCase(lost: [2731, 2732, 2740, 2746], pairs: [NACKPair(packetID: 2731, lostBitmask: 0x4101)]),
        PackCase(lost: [10, 26, 27], pairs: [NACKPair(packetID: 10, lostBitmask: 0x8000), NACKPair(packetID: 27)]),
        // Wrap-around stays in one entry.
        PackCase(lost: [65534, 65535, 0, 3], pairs: [NACKPair(packetID: 65534, lostBitmask: 0b10011)]),
        // Duplicates are ignored; going backwards starts a new entry.
        PackCase(lost: [100, 100, 101, 50], pairs: [NACKPair(packetID: 100, lostBitmask: 1), NACKPair(packetID: 50)]),
    ]

    @Test(arguments: packCases)
    func packsLostListIntoPairs(_ c: PackCase) {
        let pairs = NACKPair.pairs(fromLost: c.lost)
        #expect(pairs == c.pairs)
        #expect(GenericNACK(senderSSRC: 1, mediaSSRC: 2, pairs: pairs).lostSequenceNumbers
            == c.pairs.flatMap(\.sequenceNumbers))
    }

    @Test func unpackThenPackIsIdentityForFullBitmask() {
        let pair = NACKPair(packetID: 65530, lostBitmask: 0xFFFF)
        #expect(pair.sequenceNumbers.count == 17)
        #expect(pair.sequenceNumbers.last == 65530 &+ 16)
        #expect(NACKPair.pairs(fromLost: pair.sequenceNumbers) == [pair])
    }

    @Test func everyTruncationThrows() {
        #expect(prefixesAccepted(genericNACKBytes) { (b) throws(RTPError) in try GenericNACK(parsing: b) }.isEmpty)
    }

    @Test func wrongFormat() {
        #expect(caughtError { () throws(RTPError) in _ = try GenericNACK(parsing: transportCCBytes) }
            == .unexpectedFormat(expected: 1, actual: 15))
    }

    @Test func missingSSRCs() {
        let bytes: [UInt8] = [0x81, 0xCD, 0x00, 0x01, 0, 0, 0, 1]  // length 1: no media SSRC
        #expect(caughtError { () throws(RTPError) in _ = try GenericNACK(parsing: bytes) }
            == .truncated(.genericNACK, needed: 12, available: 8))
    }
}
