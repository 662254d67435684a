import Testing
@testable import RTP

/// Transport-wide feedback for packets 100...106 with one two-bit status
/// vector, a negative (large) delta, and 3 bytes of padding as libwebrtc
/// writes it (P=1, count in the last byte).
let transportCCBytes: [UInt8] = [
    0xAF, 0xCD, 0x00, 0x07,  // V=2 P=1 FMT=15 | PT=205 RTPFB | length 7 (32 bytes)
    0x90, 0x2F, 0x9E, 0x2E,  // SSRC of packet sender
    0x01, 0x02, 0x03, 0x04,  // SSRC of media source
    0x00, 0x64, 0x00, 0x07,  // base sequence number 100 | packet status count 7
    0x00, 0x01, 0x02, 0x05,  // reference time 258 (x 64 ms) | feedback packet count 5
    0xD2, 0x55,  // status vector, 2-bit: small, not received, large, small x4
    0x04,  // 100: +1 ms
    0xFF, 0xFC,  // 102: -1 ms (large)
    0x08, 0x01, 0x00, 0xFF,  // 103: +2 ms, 104: +0.25 ms, 105: +0, 106: +63.75 ms
    0x00, 0x00, 0x03,  // padding, count 3
]

/// Feedback for 20 packets across the sequence wrap: one run length chunk
/// and one 1-bit status vector with unused slots.
let transportCCRunLengthBytes: [UInt8] = [
    0x8F, 0xCD, 0x00, 0x09,  // V=2 P=0 FMT=15 | PT=205 | length 9 (40 bytes)
    0x00, 0x00, 0x00, 0x01,  // SSRC of packet sender
    0x00, 0x00, 0x00, 0x02,  // SSRC of media source
    0xFF, 0xFE, 0x00, 0x14,  // base 65534 | 20 statuses
    0x00, 0x00, 0x10, 0x00,  // reference time 16 | fb count 0
    0x20, 0x0E,  // run length: small delta x 14
    0x98, 0x00,  // 1-bit vector: lost, received, received, then 11 unused slots (only 6 count)
    0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,  // 16 one-byte deltas of 250 µs
    0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
]

struct RTCPTransportLayerCCTests {
    @Test func parsesVectorWithLargeDeltaAndPadding() throws {
        let cc = try TransportLayerCC(parsing: transportCCBytes)
        #expect(cc.baseSequenceNumber == 100)
        #expect(cc.packetStatusCount == 7)
        #expect(cc.referenceTime == 258)
        #expect(cc.feedbackPacketCount == 5)
        #expect(cc.chunks == [PacketStatusChunk(rawValue: 0xD255)])
        #expect(cc.receiveDeltas == [4, -4, 8, 1, 0, 255])
        #expect(cc.packetStatuses.map(\.arrivalMicroseconds) == [
            16_513_000, nil, 16_512_000, 16_514_000, 16_514_250, 16_514_250, 16_578_000,
        ])
        #expect(try cc.marshal() == transportCCBytes)
    }

    @Test func parsesRunLengthAcrossWrap() throws {
        let cc = try TransportLayerCC(parsing: transportCCRunLengthBytes)
        #expect(cc.chunks.map(\.isRunLength) == [true, false])
        #expect(cc.chunks[0].symbol(at: 0) == .receivedSmallDelta)
        #expect(cc.chunks[0].symbolCount == 14)
        #expect(cc.chunks[1].symbolCount == 14)
        #expect(cc.receiveDeltas.count == 16)
        let statuses = cc.packetStatuses
        #expect(statuses.count == 20)
        #expect(statuses.first?.sequenceNumber == 65534)
        #expect(statuses.last?.sequenceNumber == 17)
        #expect(statuses[14].arrivalMicroseconds == nil)  // seq 12 lost
        #expect(statuses[15].arrivalMicroseconds == Int64(16 * 64_000 + 15 * 250))
        #expect(try cc.marshal() == transportCCRunLengthBytes)
    }

    @Test func builderReproducesLibwebrtcLayout() throws {
        let arrivals = [
            (100, 16_513_000), (102, 16_512_000), (103, 16_514_000), (104, 16_514_250), (105, 16_514_250), (106, 16_578_000),
        ].map { TransportCCArrival(sequenceNumber: UInt16($0.0), arrivalMicroseconds: Int64($0.1)) }
        let cc = try TransportLayerCC(senderSSRC: 0x902F_9E2E, mediaSSRC: 0x0102_0304, feedbackPacketCount: 5, arrivals: arrivals)
        #expect(try cc.marshal() == transportCCBytes)
    }

    @Test func builderRoundTripsLongRunsAndLosses() throws {
        var arrivals: [TransportCCArrival] = []
        var time: Int64 = 5_000_000
        for i in 0..<200 where i % 37 != 5 && !(60..<90).contains(i) {
            time += i % 50 == 0 ? 100_000 : 1_000
            arrivals.append(TransportCCArrival(sequenceNumber: UInt16(truncatingIfNeeded: 65_500 + i), arrivalMicroseconds: time))
        }
        let cc = try TransportLayerCC(senderSSRC: 1, mediaSSRC: 2, feedbackPacketCount: 0, arrivals: arrivals)
        #expect(cc.chunks.contains { $0.isRunLength })
        let parsed = try TransportLayerCC(parsing: cc.marshal())
        #expect(parsed == cc)
        let received = parsed.packetStatuses.filter { $0.arrivalMicroseconds != nil }
        #expect(received.map(\.sequenceNumber) == arrivals.map(\.sequenceNumber))
        // Times are kept to the 250 µs tick.
        #expect(zip(received, arrivals).allSatisfy { abs(($0.arrivalMicroseconds ?? 0) - $1.arrivalMicroseconds) < 250 })
    }

    /// Regression: the builder once wrote seven statuses followed by a large
    /// delta as a 1-bit vector, which claims 14 statuses, so the chunks and
    /// deltas disagreed.
    @Test func sevenSmallThenLargeUsesTwoBitVector() throws {
        var arrivals = (0..<7).map { TransportCCArrival(sequenceNumber: UInt16($0), arrivalMicroseconds: Int64($0) * 1_000) }
        arrivals.append(TransportCCArrival(sequenceNumber: 7, arrivalMicroseconds: 500_000))  // large delta
        let cc = try TransportLayerCC(senderSSRC: 1, mediaSSRC: 2, feedbackPacketCount: 0, arrivals: arrivals)
        #expect(cc.chunks.map(\.rawValue) == [0xD555, 0xE000])  // 7 x small (2-bit), then large (2-bit)
        #expect(try TransportLayerCC(parsing: cc.marshal()) == cc)
    }

    @Test func builderRejectsBadInput() {
        #expect(caughtError { () throws(RTPError) in
            _ = try TransportLayerCC(senderSSRC: 1, mediaSSRC: 2, feedbackPacketCount: 0, arrivals: [])
        } == .invalidValue(.transportLayerCC, value: 0))
        let unordered = [TransportCCArrival(sequenceNumber: 5, arrivalMicroseconds: 0), TransportCCArrival(sequenceNumber: 4, arrivalMicroseconds: 0)]
        #expect(caughtError { () throws(RTPError) in
            _ = try TransportLayerCC(senderSSRC: 1, mediaSSRC: 2, feedbackPacketCount: 0, arrivals: unordered)
        } == .invalidValue(.transportLayerCC, value: 4))
        let gap = [TransportCCArrival(sequenceNumber: 1, arrivalMicroseconds: 0), TransportCCArrival(sequenceNumber: 2, arrivalMicroseconds: 10_000_000)]
        #expect(caughtError { () throws(RTPError) in
            _ = try TransportLayerCC(senderSSRC: 1, mediaSSRC: 2, feedbackPacketCount: 0, arrivals: gap)
        } == .invalidValue(.receiveDelta, value: 40_000))
    }

    @Test(arguments: [transportCCBytes, transportCCRunLengthBytes])
    func everyTruncationThrows(_ bytes: [UInt8]) {
        #expect(prefixesAccepted(bytes) { (b) throws(RTPError) in try TransportLayerCC(parsing: b) }.isEmpty)
    }

    @Test func statusCountBeyondChunks() {
        var bytes = transportCCRunLengthBytes
        bytes[15] = 0x30  // 48 statuses: chunks run into the deltas, then out of bytes
        #expect(caughtError { () throws(RTPError) in _ = try TransportLayerCC(parsing: bytes) } != nil)
        bytes = transportCCBytes
        bytes[15] = 0x08  // 8 statuses: needs a second chunk; the padding word is read as one
        bytes[20] = 0xD2
        #expect(caughtError { () throws(RTPError) in _ = try TransportLayerCC(parsing: bytes) } != nil)
    }

    @Test func reservedSymbolRejected() {
        var bytes = transportCCRunLengthBytes
        bytes[20] = 0x60  // run length chunk with S=3 (reserved)
        #expect(caughtError { () throws(RTPError) in _ = try TransportLayerCC(parsing: bytes) }
            == .invalidValue(.packetStatusChunk, value: 3))
    }

    @Test func deltasPastEnd() {
        var bytes = transportCCRunLengthBytes
        bytes[21] = 0x20  // run of 32 small deltas: more deltas than bytes
        #expect(caughtError { () throws(RTPError) in _ = try TransportLayerCC(parsing: bytes) }
            == .truncated(.receiveDelta, needed: 41, available: 40))
    }

    @Test func writeChecksDeltasAgainstSymbols() throws {
        var cc = try TransportLayerCC(parsing: transportCCBytes)
        cc.receiveDeltas[0] = 300  // small symbol cannot carry 300
        #expect(caughtError { () throws(RTPError) in _ = try cc.marshal() } == .invalidValue(.receiveDelta, value: 300))
        cc.receiveDeltas = [1]
        #expect(caughtError { () throws(RTPError) in _ = try cc.marshal() } == .tooManyItems(.receiveDelta, count: 2, limit: 1))
    }

    @Test func chunkConstructors() throws {
        #expect(try PacketStatusChunk.runLength(.receivedLargeDelta, count: 8191).rawValue == 0x5FFF)
        #expect(try PacketStatusChunk.vector([.receivedSmallDelta, .notReceived, .receivedSmallDelta]).rawValue == 0xA800)
        #expect(try PacketStatusChunk.vector([.receivedLargeDelta]).rawValue == 0xE000)
        #expect(caughtError { () throws(RTPError) in _ = try PacketStatusChunk.runLength(.notReceived, count: 8192) }
            == .invalidValue(.packetStatusChunk, value: 8192))
        #expect(caughtError { () throws(RTPError) in _ = try PacketStatusChunk.vector(Array(repeating: .receivedLargeDelta, count: 8)) }
            == .tooManyItems(.packetStatusChunk, count: 8, limit: 7))
    }
}
