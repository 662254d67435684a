import Testing

@testable import TrunkWire

/// A data frame plaintext carrying a 12-byte RTP header as payload.
let dataFrameBytes: [UInt8] = [
    0x00, 0x00, 0x01, 0x02,  // track id 258
    0x02, 0x03, 0x00, 0x00,  // layer 2 | hop count 3 | kind 0 RTP | flags
    0x00, 0x06, 0x0A, 0x24, 0x18, 0x1E, 0x40, 0x01,  // origin send time 1,700,000,000,000,001 µs
    0x80, 0x60, 0x00, 0x01,  // RTP: V=2, PT 96, seq 1
    0x00, 0x00, 0x00, 0x10,  // RTP timestamp 16
    0xCA, 0xFE, 0xBA, 0xBE,  // RTP SSRC
]

struct TrunkDataFrameTests {
    @Test func parsesAndRoundTrips() throws {
        let frame = try TrunkDataFrame(parsing: dataFrameBytes)
        #expect(frame.header == TrunkDataHeader(trackID: 258, layer: 2, hopCount: 3, kind: .rtp, originSendTime: 1_700_000_000_000_001))
        #expect(frame.payload == Array(dataFrameBytes[16...]))
        #expect(frame.marshal() == dataFrameBytes)
    }

    @Test func rtcpKindAndEmptyPayload() throws {
        let frame = TrunkDataFrame(
            header: TrunkDataHeader(trackID: .max, layer: 0, hopCount: 255, kind: .rtcp, originSendTime: .max), payload: [])
        #expect(try TrunkDataFrame(parsing: frame.marshal()) == frame)
    }

    @Test(arguments: 0..<TrunkDataHeader.size)
    func everyTruncationIsTyped(length: Int) {
        #expect(throws: TrunkWireError.truncated(.dataHeader, needed: 16, available: length)) {
            try TrunkDataFrame(parsing: Array(dataFrameBytes.prefix(length)))
        }
    }

    @Test(arguments: [(6, UInt8(2)), (6, 0xFF), (7, 1)])
    func invalidKindOrFlags(offset: Int, value: UInt8) {
        var bytes = dataFrameBytes
        bytes[offset] = value
        #expect(throws: TrunkWireError.invalidValue(.dataHeader, value: Int(value))) { try TrunkDataFrame(parsing: bytes) }
    }
}
