import Testing
@testable import RTP

struct CodecVP8Tests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        let descriptor: VP8PayloadDescriptor
        let size: Int
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "minimal keyframe start",
            bytes: [
                0x10,  // X=0 N=0 S=1 PID=0
                0x50,  // VP8 frame tag: P=0 (keyframe)
            ],
            descriptor: VP8PayloadDescriptor(startOfPartition: true, hasLongPictureID: false, isKeyframe: true),
            size: 1),
        Case(
            name: "Chrome simulcast keyframe",
            bytes: [
                0x90,  // X=1 S=1 PID=0
                0xE0,  // I=1 L=1 T=1 K=0
                0x9C, 0x41,  // M=1 PictureID 0x1c41
                0x07,  // TL0PICIDX 7
                0x20,  // TID=0 Y=1 KEYIDX=0
                0x50, 0x2A, 0x00, 0x9D, 0x01, 0x2A,  // frame tag (P=0) + start code
            ],
            descriptor: VP8PayloadDescriptor(
                startOfPartition: true, pictureID: 0x1C41, tl0PictureIndex: 7, temporalLayerID: 0, layerSync: true,
                isKeyframe: true),
            size: 6),
        Case(
            name: "delta frame in temporal layer 2",
            bytes: [0x90, 0xE0, 0x9C, 0x42, 0x07, 0x80,  // TID=2 Y=0
                    0x51],  // frame tag P=1: interframe
            descriptor: VP8PayloadDescriptor(
                startOfPartition: true, pictureID: 0x1C42, tl0PictureIndex: 7, temporalLayerID: 2),
            size: 6),
        Case(
            name: "continuation packet is never a keyframe",
            bytes: [0x80, 0x80, 0x9C, 0x41,  // X=1 S=0 | I | PictureID
                    0x50],
            descriptor: VP8PayloadDescriptor(startOfPartition: false, pictureID: 0x1C41),
            size: 4),
        Case(
            name: "7-bit picture id, non-reference, key index only",
            bytes: [0xA0, 0x90, 0x7F, 0x1F,  // X=1 N=1 | I=1 K=1 | M=0 PictureID 127 | KEYIDX 31
                    0x00],
            descriptor: VP8PayloadDescriptor(
                nonReference: true, startOfPartition: false, pictureID: 127, hasLongPictureID: false, keyIndex: 31),
            size: 4),
        Case(
            name: "second partition start",
            bytes: [0x13, 0x50],  // S=1 PID=3: not the frame start
            descriptor: VP8PayloadDescriptor(startOfPartition: true, partitionIndex: 3, hasLongPictureID: false),
            size: 1),
    ]

    @Test(arguments: cases)
    func parses(_ c: Case) throws {
        let (descriptor, size) = try parse(c.bytes) { (b) throws(RTPError) in try VP8PayloadDescriptor.parse(b) }
        #expect(descriptor == c.descriptor)
        #expect(size == c.size)
        #expect(descriptor.marshalSize == c.size)
    }

    @Test(arguments: cases)
    func writesDescriptorBytes(_ c: Case) throws {
        let out = try written(size: 16) { (b) throws(RTPError) in try c.descriptor.write(into: b) }
        #expect(out == Array(c.bytes[0..<c.size]))
    }

    @Test(arguments: cases)
    func truncatedDescriptorThrows(_ c: Case) {
        let accepted = prefixesAccepted(c.bytes) { (b) throws(RTPError) in try VP8PayloadDescriptor(parsing: b) }
        #expect(accepted == Array(c.size..<c.bytes.count))
    }

    @Test func largePictureIDIsWrittenLong() throws {
        let d = VP8PayloadDescriptor(startOfPartition: true, pictureID: 300, hasLongPictureID: false)
        #expect(try written(size: 8) { (b) throws(RTPError) in try d.write(into: b) } == [0x90, 0x80, 0x81, 0x2C])
    }

    @Test func invalidPartitionIndex() {
        let d = VP8PayloadDescriptor(startOfPartition: true, partitionIndex: 8)
        #expect(caughtError { () throws(RTPError) in _ = try written(size: 8) { (b) throws(RTPError) in try d.write(into: b) } }
            == .invalidValue(.vp8Descriptor, value: 8))
    }
}
