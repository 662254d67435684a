import Testing
@testable import RTP

struct RTCPCompoundTests {
    /// RR followed by a Generic NACK, as a receiver sends on loss.
    static let receiverReportAndNACK = receiverReportBytes + genericNACKBytes

    @Test func parsesReceiverReportPlusNACK() throws {
        let packets = try RTCPCompound.parse(Self.receiverReportAndNACK)
        #expect(packets.count == 2)
        guard case .receiverReport(let rr) = packets[0], case .genericNACK(let nack) = packets[1] else {
            Issue.record("unexpected packets \(packets)")
            return
        }
        #expect(rr.reports.first?.cumulativeLost == -2)
        #expect(nack.lostSequenceNumbers == [2731, 2732, 2740, 2746])
    }

    @Test func everyPacketTypeRoundTripsInOneCompound() throws {
        let bytes = senderReportBytes + sourceDescriptionBytes + receiverReportBytes + genericNACKBytes
            + pictureLossBytes + fullIntraRequestBytes + rembBytes + transportCCBytes + applicationDefinedBytes
            + extendedReportBytes + goodbyeBytes
        let packets = try RTCPCompound.parse(bytes)
        #expect(packets.count == 11)
        #expect(packets.last == .goodbye(try Goodbye(parsing: goodbyeBytes)))
        let out = try RTCPCompound.marshal(packets)
        #expect(out == bytes)
        #expect(try RTCPCompound.parse(out) == packets)
    }

    @Test func truncationsThrowExceptAtPacketBoundaries() {
        let bytes = Self.receiverReportAndNACK
        let accepted = prefixesAccepted(bytes) { (b) throws(RTPError) in try RTCPCompound.parse(b) }
        #expect(accepted == [0, receiverReportBytes.count])
    }

    @Test func headerOnlyIteration() throws {
        let bytes = Self.receiverReportAndNACK + pictureLossBytes
        let headers = try parse(bytes) { (b) throws(RTPError) in
            var reader = RTCPCompoundReader(b)
            var headers: [(RTCPPacketType, UInt8, Range<Int>)] = []
            while let (header, range) = try reader.nextHeader() { headers.append((header.packetType, header.count, range)) }
            return headers
        }
        #expect(headers.map(\.0) == [.receiverReport, .transportFeedback, .payloadFeedback])
        #expect(headers.map(\.1) == [1, 1, 1])
        #expect(headers.map(\.2) == [0..<32, 32..<48, 48..<60])
    }

    @Test func garbageAfterValidPacket() {
        let bytes = receiverReportBytes + [0x00, 0x01]  // version 0
        #expect(caughtError { () throws(RTPError) in _ = try RTCPCompound.parse(bytes) }
            == .truncated(.rtcpHeader, needed: 4, available: 2))
        let bad = receiverReportBytes + [0x00, 0xC9, 0x00, 0x00]
        #expect(caughtError { () throws(RTPError) in _ = try RTCPCompound.parse(bad) } == .unsupportedVersion(0))
    }

    @Test func writeIntoSmallBuffer() throws {
        let packets = try RTCPCompound.parse(Self.receiverReportAndNACK)
        #expect(caughtError { () throws(RTPError) in
            _ = try written(size: 40) { (b) throws(RTPError) in try RTCPCompound.write(packets, into: b) }
        } == .bufferTooSmall(needed: 48, available: 40))
    }
}
