import Testing
@testable import RTP

/// A video packet with two-byte extensions (RFC 8285 §4.3), as sent when
/// a=extmap-allow-mixed is negotiated and a value exceeds 16 bytes.
let twoByteExtensionPacket: [UInt8] = [
    0x90, 0x60, 0x00, 0x01,  // V=2 X=1 | PT=96 | seq 1
    0x00, 0x00, 0x00, 0x10,  // timestamp 16
    0x00, 0x00, 0x00, 0x20,  // SSRC 0x20
    0x10, 0x00, 0x00, 0x03,  // two-byte profile 0x1000, 3 words
    0x05, 0x01, 0x02,  // id 5 L=1: value 0x02
    0x00,  // padding byte
    0x0A, 0x00,  // id 10 L=0: empty value
    0x12, 0x04, 0x68, 0x69, 0x67, 0x68,  // id 18 L=4: "high" (ends on the word boundary)
    0xAB,  // payload
]

struct RTPHeaderExtensionTests {
    @Test func chromeOneByteTypedAccessors() throws {
        let view = try RTPHeaderView(parsing: chromeOpusPacket)
        chromeOpusPacket.withUnsafeBytes { b in
            #expect(view.audioLevel(id: 1, in: b) == AudioLevel(level: 42, voiceActivity: true))
            #expect(view.absSendTime(id: 2, in: b) == AbsSendTime(rawValue: 0x0D1B5E))
            #expect(view.transportSequenceNumber(id: 3, in: b) == 42)
            #expect(view.mid(id: 4, in: b) == "0")
            #expect(view.rtpStreamID(id: 5, in: b) == nil)
            #expect(view.videoOrientation(id: 9, in: b) == nil)
            var ids: [UInt8] = []
            var elements = view.extensionElements(in: b)
            while let element = elements.next() { ids.append(element.id) }
            #expect(ids == [1, 2, 3, 4])
        }
    }

    @Test func twoByteElementsIncludingEmptyAndHighIDs() throws {
        let view = try RTPHeaderView(parsing: twoByteExtensionPacket)
        #expect(view.extensionForm == .twoByte(appBits: 0))
        twoByteExtensionPacket.withUnsafeBytes { b in
            #expect(view.extensionData(id: 5, in: b).map(Array.init) == [0x02])
            #expect(view.extensionData(id: 10, in: b).map(Array.init) == [])
            #expect(view.rtpStreamID(id: 18, in: b) == "high")
        }
        #expect(view.payloadLength == 1)
    }

    @Test func ownedExtensionsFromView() throws {
        let header = try parse(chromeOpusPacket) { (b) throws(RTPError) in try RTPHeader(parsing: b) }
        #expect(header.extensions == .oneByte([
            RTPHeaderExtension(id: 1, value: [0xAA]),
            RTPHeaderExtension(id: 2, value: [0x0D, 0x1B, 0x5E]),
            RTPHeaderExtension(id: 3, value: [0x00, 0x2A]),
            RTPHeaderExtension(id: 4, value: [0x30]),
        ]))
        #expect(header.extensions.value(id: 4) == [0x30])
    }

    @Test func automaticFormChoice() {
        let small = [RTPHeaderExtension.text(id: 4, "0")]
        #expect(RTPHeaderExtensions.automatic(small) == .oneByte(small))
        let highID = [RTPHeaderExtension(id: 15, value: [1])]
        #expect(RTPHeaderExtensions.automatic(highID) == .twoByte(highID, appBits: 0))
        let long = [RTPHeaderExtension(id: 3, value: Array(repeating: 7, count: 17))]
        #expect(RTPHeaderExtensions.automatic(long) == .twoByte(long, appBits: 0))
        let empty = [RTPHeaderExtension(id: 3, value: [])]
        #expect(RTPHeaderExtensions.automatic(empty) == .twoByte(empty, appBits: 0))
        #expect(RTPHeaderExtensions.automatic([]) == .none)
    }

    struct InvalidExtension: Sendable, CustomTestStringConvertible {
        let name: String
        let extensions: RTPHeaderExtensions
        let error: RTPError
        var testDescription: String { name }
    }

    static let invalid: [InvalidExtension] = [
        .init(name: "one-byte id 15", extensions: .oneByte([.init(id: 15, value: [1])]),
              error: .invalidValue(.headerExtensionElement, value: 15)),
        .init(name: "one-byte id 0", extensions: .oneByte([.init(id: 0, value: [1])]),
              error: .invalidValue(.headerExtensionElement, value: 0)),
        .init(name: "one-byte empty value", extensions: .oneByte([.init(id: 1, value: [])]),
              error: .invalidValue(.headerExtensionElement, value: 0)),
        .init(name: "one-byte 17-byte value", extensions: .oneByte([.init(id: 1, value: Array(repeating: 0, count: 17))]),
              error: .invalidValue(.headerExtensionElement, value: 17)),
        .init(name: "two-byte 256-byte value", extensions: .twoByte([.init(id: 1, value: Array(repeating: 0, count: 256))], appBits: 0),
              error: .invalidValue(.headerExtensionElement, value: 256)),
        .init(name: "opaque unaligned", extensions: .opaque(profile: 0x1234, data: [1, 2, 3]),
              error: .invalidValue(.headerExtension, value: 3)),
        .init(name: "opaque with RFC 8285 profile", extensions: .opaque(profile: 0xBEDE, data: []),
              error: .invalidValue(.headerExtension, value: 0xBEDE)),
    ]

    @Test(arguments: invalid)
    func writeRejectsInvalidExtensions(_ c: InvalidExtension) {
        let header = RTPHeader(payloadType: 96, sequenceNumber: 1, timestamp: 1, ssrc: 1, extensions: c.extensions)
        #expect(caughtError { () throws(RTPError) in _ = try written(size: 64) { (b) throws(RTPError) in try header.write(into: b) } } == c.error)
    }

    @Test func buildsChromeExtensionBlockByteForByte() throws {
        let header = RTPHeader(
            payloadType: 111, sequenceNumber: 0x4A5B, timestamp: 15424, ssrc: 0x1234_5678,
            extensions: .oneByte([
                .audioLevel(id: 1, AudioLevel(level: 42, voiceActivity: true)),
                .absSendTime(id: 2, AbsSendTime(rawValue: 0x0D1B5E)),
                .transportSequenceNumber(id: 3, 42),
                .text(id: 4, "0"),
            ]))
        #expect(header.marshalSize == 28)
        let bytes = try written(size: header.marshalSize) { (b) throws(RTPError) in try header.write(into: b) }
        #expect(bytes == Array(chromeOpusPacket[0..<28]))
    }

    @Test func valueTypes() {
        #expect(AudioLevel(byte: 0x7F) == AudioLevel(level: 127, voiceActivity: false))
        #expect(AudioLevel(level: 200, voiceActivity: false).level == 127)
        let orientation = VideoOrientation(byte: 0b0000_1101)  // C=1 F=1 R=1
        #expect(orientation.backFacingCamera && orientation.horizontalFlip && orientation.degrees == 90)
        #expect(VideoOrientation(quarterTurns: 3).byte == 0x03)
        let t = AbsSendTime(microseconds: 1_500_000)  // 1.5 s = 0x060000 in 6.18
        #expect(t.rawValue == 0x06_0000)
        #expect(t.microseconds == 1_500_000)
        #expect(AbsSendTime(microseconds: 64_000_000).rawValue == 0)  // wraps every 64 s
    }

    @Test func extensionMapFromExtmap() {
        let map = RTPHeaderExtensionMap(extmap: [
            (1, RTPHeaderExtensionURI.audioLevel),
            (2, RTPHeaderExtensionURI.absSendTime),
            (3, RTPHeaderExtensionURI.transportWideCC),
            (4, RTPHeaderExtensionURI.mid),
            (10, RTPHeaderExtensionURI.rtpStreamID),
            (11, RTPHeaderExtensionURI.repairedRTPStreamID),
            (13, RTPHeaderExtensionURI.videoOrientation),
            (14, "urn:example:unknown"),
        ])
        #expect(map.audioLevel == 1 && map.absSendTime == 2 && map.transportWideCC == 3 && map.mid == 4)
        #expect(map.rtpStreamID == 10 && map.repairedRTPStreamID == 11 && map.videoOrientation == 13)
        #expect(RTPHeaderExtensionURI.transportWideCC
            == "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01")
    }

    @Test func inPlaceExtensionUpdates() throws {
        var bytes = chromeOpusPacket
        let view = try RTPHeaderView(parsing: bytes)
        bytes.withUnsafeMutableBytes { b in
            #expect(view.setTransportSequenceNumber(0xBEEF, id: 3, in: b))
            #expect(view.setAbsSendTime(AbsSendTime(rawValue: 0x123456), id: 2, in: b))
            #expect(!view.setTransportSequenceNumber(1, id: 1, in: b))  // wrong length
            #expect(!view.setAbsSendTime(AbsSendTime(rawValue: 1), id: 9, in: b))  // absent
        }
        #expect(bytes[22...24] == [0x31, 0xBE, 0xEF])
        #expect(bytes[18...21] == [0x22, 0x12, 0x34, 0x56])
    }
}
