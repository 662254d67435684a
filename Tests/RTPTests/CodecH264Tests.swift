import Testing
@testable import RTP

struct CodecH264Tests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        let packetization: H264PayloadInfo.Packetization
        let types: [UInt8]
        let keyframe: Bool
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "single IDR slice", bytes: [0x65, 0x88, 0x84, 0x00],  // F=0 NRI=3 type 5
             packetization: .singleNALUnit, types: [5], keyframe: true),
        Case(name: "single non-IDR slice", bytes: [0x41, 0x9A, 0x02],  // NRI=2 type 1
             packetization: .singleNALUnit, types: [1], keyframe: false),
        Case(name: "single SPS", bytes: [0x67, 0x42, 0xC0, 0x1F],  // type 7
             packetization: .singleNALUnit, types: [7], keyframe: true),
        Case(name: "STAP-A with SPS and PPS, as Chrome sends before an IDR",
             bytes: [
                0x78,  // STAP-A: NRI=3 type 24
                0x00, 0x04, 0x67, 0x42, 0xC0, 0x1F,  // size 4: SPS
                0x00, 0x02, 0x68, 0xCE,  // size 2: PPS
             ],
             packetization: .stapA, types: [7, 8], keyframe: true),
        Case(name: "STAP-A with SEI and slice", bytes: [0x78, 0x00, 0x01, 0x06, 0x00, 0x02, 0x41, 0x9A],
             packetization: .stapA, types: [1, 6], keyframe: false),
        Case(name: "FU-A start of IDR", bytes: [0x7C, 0x85, 0xB8, 0x00],  // FU indicator type 28 | S=1 type 5
             packetization: .fuA, types: [5], keyframe: true),
        Case(name: "FU-A end of IDR", bytes: [0x7C, 0x45, 0x11],  // E=1: not the start
             packetization: .fuA, types: [5], keyframe: false),
        Case(name: "STAP-B is not inspected", bytes: [0x79, 0x00, 0x00],
             packetization: .unsupported(25), types: [], keyframe: false),
    ]

    @Test(arguments: cases)
    func inspects(_ c: Case) throws {
        let info = try H264PayloadInfo(parsing: c.bytes)
        #expect(info.packetization == c.packetization)
        #expect(info.isKeyframe == c.keyframe)
        #expect((0..<32).filter { info.contains(nalUnitType: UInt8($0)) }.map(UInt8.init) == c.types)
    }

    @Test func fuAFlags() throws {
        let start = try H264PayloadInfo(parsing: [0x7C, 0x85])
        #expect(start.isStartOfNALUnit && !start.isEndOfNALUnit)
        let end = try H264PayloadInfo(parsing: [0x7C, 0x45])
        #expect(!end.isStartOfNALUnit && end.isEndOfNALUnit)
    }

    struct Bad: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        let error: RTPError
        var testDescription: String { name }
    }

    static let bad: [Bad] = [
        Bad(name: "empty", bytes: [], error: .truncated(.h264NALUnit, needed: 1, available: 0)),
        Bad(name: "NAL type 0", bytes: [0x00, 0x01], error: .invalidValue(.h264NALUnit, value: 0)),
        Bad(name: "NAL type 31", bytes: [0x1F], error: .invalidValue(.h264NALUnit, value: 31)),
        Bad(name: "FU-A without header", bytes: [0x7C], error: .truncated(.h264NALUnit, needed: 2, available: 1)),
        Bad(name: "STAP-A empty", bytes: [0x78], error: .truncated(.h264NALUnit, needed: 3, available: 1)),
        Bad(name: "STAP-A size past end", bytes: [0x78, 0x00, 0x05, 0x67, 0x42],
            error: .lengthOverflow(.h264NALUnit, declared: 5, available: 2)),
        Bad(name: "STAP-A zero size", bytes: [0x78, 0x00, 0x00, 0x67], error: .invalidValue(.h264NALUnit, value: 0)),
        Bad(name: "STAP-A cut size field", bytes: [0x78, 0x00, 0x01, 0x67, 0x00], error: .truncated(.h264NALUnit, needed: 6, available: 5)),
    ]

    @Test(arguments: bad)
    func rejects(_ c: Bad) {
        #expect(caughtError { () throws(RTPError) in _ = try H264PayloadInfo(parsing: c.bytes) } == c.error)
    }
}
