/// The VP9 scalability structure (draft-ietf-payload-vp9-16 §4.2.1):
///
///            +-+-+-+-+-+-+-+-+
///      V:    | N_S |Y|G|-|-|-|
///            +-+-+-+-+-+-+-+-+              -\
///      Y:    |     WIDTH     | (OPTIONAL)    .
///            +               +               .
///            |               | (OPTIONAL)    .
///            +-+-+-+-+-+-+-+-+               . - N_S + 1 times
///            |     HEIGHT    | (OPTIONAL)    .
///            +               +               .
///            |               | (OPTIONAL)    .
///            +-+-+-+-+-+-+-+-+              -/
///      G:    |      N_G      | (OPTIONAL)
///            +-+-+-+-+-+-+-+-+                           -\
///      N_G:  | TID |U| R |-|-| (OPTIONAL)                 .
///            +-+-+-+-+-+-+-+-+              -\           . - N_G times
///            |    P_DIFF     | (OPTIONAL)    . - R times .
///            +-+-+-+-+-+-+-+-+              -/           -/
public struct VP9ScalabilityStructure: Sendable, Hashable {
    /// Number of spatial layers, 1...8 (N_S + 1).
    public var spatialLayerCount: Int
    /// Per spatial layer resolution (Y), or empty.
    public var resolutions: [Resolution]
    /// The picture group description (G), or `nil`.
    public var pictureGroup: [PictureGroupEntry]?

    /// One spatial layer's size.
    public struct Resolution: Sendable, Hashable {
        public var width: UInt16
        public var height: UInt16
        public init(width: UInt16, height: UInt16) {
            self.width = width
            self.height = height
        }
    }

    /// One picture in the group of pictures.
    public struct PictureGroupEntry: Sendable, Hashable {
        /// TID, 0...7.
        public var temporalID: UInt8
        /// U: switching up point.
        public var switchingUpPoint: Bool
        /// P_DIFF of each reference, at most 3.
        public var referenceDiffs: [UInt8]
        public init(temporalID: UInt8, switchingUpPoint: Bool, referenceDiffs: [UInt8]) {
            self.temporalID = temporalID
            self.switchingUpPoint = switchingUpPoint
            self.referenceDiffs = referenceDiffs
        }
    }

    /// A structure with the given fields.
    public init(spatialLayerCount: Int, resolutions: [Resolution] = [], pictureGroup: [PictureGroupEntry]? = nil) {
        self.spatialLayerCount = spatialLayerCount
        self.resolutions = resolutions
        self.pictureGroup = pictureGroup
    }

    init(reader r: inout VP9Reader) throws(RTPError) {
        let b = try r.byte()
        spatialLayerCount = Int(b >> 5) + 1
        resolutions = []
        if b & 0x10 != 0 {
            for _ in 0..<spatialLayerCount {
                resolutions.append(Resolution(width: try r.u16(), height: try r.u16()))
            }
        }
        if b & 0x08 != 0 {
            let groups = Int(try r.byte())
            var entries: [PictureGroupEntry] = []
            for _ in 0..<groups {
                let g = try r.byte()
                var diffs: [UInt8] = []
                for _ in 0..<Int((g >> 2) & 3) { diffs.append(try r.byte()) }
                entries.append(PictureGroupEntry(temporalID: g >> 5, switchingUpPoint: g & 0x10 != 0, referenceDiffs: diffs))
            }
            pictureGroup = entries
        } else {
            pictureGroup = nil
        }
    }

    /// Bytes `write(into:)` produces.
    public var marshalSize: Int {
        1 + (resolutions.isEmpty ? 0 : 4 * resolutions.count)
            + (pictureGroup.map { 1 + $0.reduce(0) { $0 + 1 + $1.referenceDiffs.count } } ?? 0)
    }

    /// Writes the structure; returns the bytes written.
    public func write(into buffer: UnsafeMutableRawBufferPointer) throws(RTPError) -> Int {
        guard (1...8).contains(spatialLayerCount) else {
            throw .invalidValue(.vp9ScalabilityStructure, value: spatialLayerCount)
        }
        guard resolutions.isEmpty || resolutions.count == spatialLayerCount else {
            throw .invalidValue(.vp9ScalabilityStructure, value: resolutions.count)
        }
        if let pictureGroup {
            guard pictureGroup.count <= 255 else {
                throw .tooManyItems(.vp9ScalabilityStructure, count: pictureGroup.count, limit: 255)
            }
            for entry in pictureGroup where entry.referenceDiffs.count > 3 {
                throw .tooManyItems(.vp9ScalabilityStructure, count: entry.referenceDiffs.count, limit: 3)
            }
        }
        let size = marshalSize
        guard buffer.count >= size else { throw .bufferTooSmall(needed: size, available: buffer.count) }
        var b = UInt8(truncatingIfNeeded: spatialLayerCount - 1) << 5
        if !resolutions.isEmpty { b |= 0x10 }
        if pictureGroup != nil { b |= 0x08 }
        buffer.put8(b, 0)
        var offset = 1
        for resolution in resolutions {
            buffer.put16(resolution.width, offset)
            buffer.put16(resolution.height, offset + 2)
            offset += 4
        }
        if let pictureGroup {
            buffer.put8(UInt8(truncatingIfNeeded: pictureGroup.count), offset)
            offset += 1
            for entry in pictureGroup {
                buffer.put8(
                    (entry.temporalID & 7) << 5 | (entry.switchingUpPoint ? 0x10 : 0)
                        | UInt8(truncatingIfNeeded: entry.referenceDiffs.count) << 2, offset)
                offset += 1
                for diff in entry.referenceDiffs {
                    buffer.put8(diff, offset)
                    offset += 1
                }
            }
        }
        return offset
    }
}
