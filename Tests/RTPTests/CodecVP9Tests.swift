import Testing
@testable import RTP

/// Flexible-mode keyframe of a 3-layer SVC stream with its scalability structure.
let vp9SVCKeyframe: [UInt8] = [
    0xBA,  // I=1 P=0 L=1 F=1 B=1 E=0 V=1 Z=0
    0x80, 0x2A,  // M=1 PICTURE ID 42
    0x00,  // TID=0 U=0 SID=0 D=0
    0x58,  // SS: N_S=2 (3 layers) Y=1 G=1
    0x01, 0x40, 0x00, 0xB4,  // 320 x 180
    0x02, 0x80, 0x01, 0x68,  // 640 x 360
    0x05, 0x00, 0x02, 0xD0,  // 1280 x 720
    0x01,  // N_G = 1
    0x04, 0x01,  // TID=0 U=0 R=1 | P_DIFF 1
    0x82, 0x49, 0x83,  // VP9 payload
]

/// Flexible-mode inter frame with two reference differences.
let vp9FlexibleInterFrame: [UInt8] = [
    0xF8,  // I=1 P=1 L=1 F=1 B=1
    0x80, 0x2B,  // PICTURE ID 43
    0x33,  // TID=1 U=1 SID=1 D=1
    0x03,  // P_DIFF 1, N=1
    0x04,  // P_DIFF 2, N=0
    0x86,
]

/// Non-flexible mode with layer indices and TL0PICIDX.
let vp9NonFlexible: [UInt8] = [
    0xAC,  // I=1 P=0 L=1 F=0 B=1 E=1
    0x05,  // M=0 PICTURE ID 5
    0x20,  // TID=1 SID=0
    0x07,  // TL0PICIDX 7
    0x00,
]

struct CodecVP9Tests {
    @Test func svcKeyframeWithScalabilityStructure() throws {
        let (d, size) = try parse(vp9SVCKeyframe) { (b) throws(RTPError) in try VP9PayloadDescriptor.parse(b) }
        #expect(size == 20)
        #expect(d.isKeyframe)
        #expect(d.flexibleMode && d.startOfFrame && !d.endOfFrame)
        #expect(d.pictureID == 42 && d.hasLongPictureID)
        #expect(d.spatialID == 0 && d.temporalID == 0)
        let ss = try #require(d.scalabilityStructure)
        #expect(ss.spatialLayerCount == 3)
        #expect(ss.resolutions.map(\.width) == [320, 640, 1280])
        #expect(ss.resolutions.map(\.height) == [180, 360, 720])
        #expect(ss.pictureGroup == [.init(temporalID: 0, switchingUpPoint: false, referenceDiffs: [1])])
        #expect(try written(size: 32) { (b) throws(RTPError) in try d.write(into: b) } == Array(vp9SVCKeyframe[0..<20]))
    }

    @Test func flexibleInterFrame() throws {
        let (d, size) = try parse(vp9FlexibleInterFrame) { (b) throws(RTPError) in try VP9PayloadDescriptor.parse(b) }
        #expect(size == 6)
        #expect(!d.isKeyframe)
        #expect(d.layer == VP9LayerIndices(temporalID: 1, switchingUpPoint: true, spatialID: 1, interLayerDependency: true))
        #expect(Array(d.referenceDiffs) == [1, 2])
        #expect(try written(size: 8) { (b) throws(RTPError) in try d.write(into: b) } == Array(vp9FlexibleInterFrame[0..<6]))
    }

    @Test func nonFlexibleWithTL0() throws {
        let d = try VP9PayloadDescriptor(parsing: vp9NonFlexible)
        #expect(d.isKeyframe)
        #expect(d.tl0PictureIndex == 7)
        #expect(d.temporalID == 1)
        #expect(d.pictureID == 5 && !d.hasLongPictureID)
        #expect(try written(size: 8) { (b) throws(RTPError) in try d.write(into: b) } == Array(vp9NonFlexible[0..<4]))
    }

    @Test func upperSpatialLayerOfKeyframeIsNotAKeyframe() throws {
        let d = try VP9PayloadDescriptor(parsing: [0xA8, 0x05, 0x02, 0x00])  // SID=1, P=0, B=1
        #expect(d.spatialID == 1)
        #expect(!d.isKeyframe)
    }

    @Test func notStartOfFrameIsNotAKeyframe() throws {
        let d = try VP9PayloadDescriptor(parsing: [0x84, 0x05])  // I=1 E=1, B=0
        #expect(!d.isKeyframe)
    }

    @Test func fourReferenceDiffsRejected() {
        let bytes: [UInt8] = [0x50, 0x03, 0x05, 0x07, 0x09]  // P=1 F=1, N set on the third P_DIFF
        #expect(caughtError { () throws(RTPError) in _ = try VP9PayloadDescriptor(parsing: bytes) }
            == .tooManyItems(.vp9Descriptor, count: 4, limit: 3))
    }

    @Test(arguments: [vp9SVCKeyframe, vp9FlexibleInterFrame, vp9NonFlexible])
    func truncatedDescriptorThrows(_ bytes: [UInt8]) throws {
        let (_, size) = try parse(bytes) { (b) throws(RTPError) in try VP9PayloadDescriptor.parse(b) }
        let accepted = prefixesAccepted(bytes) { (b) throws(RTPError) in try VP9PayloadDescriptor(parsing: b) }
        #expect(accepted == Array(size..<bytes.count))
    }

    @Test func writeValidation() {
        let missingDiffs = VP9PayloadDescriptor(interPicturePredicted: true, flexibleMode: true, startOfFrame: true, endOfFrame: true)
        #expect(caughtError { () throws(RTPError) in _ = try written(size: 8) { (b) throws(RTPError) in try missingDiffs.write(into: b) } }
            == .invalidValue(.vp9Descriptor, value: 0))
        let badSS = VP9PayloadDescriptor(
            interPicturePredicted: false, startOfFrame: true, endOfFrame: true,
            scalabilityStructure: VP9ScalabilityStructure(spatialLayerCount: 2, resolutions: [.init(width: 1, height: 1)]))
        #expect(caughtError { () throws(RTPError) in _ = try written(size: 16) { (b) throws(RTPError) in try badSS.write(into: b) } }
            == .invalidValue(.vp9ScalabilityStructure, value: 1))
    }
}
