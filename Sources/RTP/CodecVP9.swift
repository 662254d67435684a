/// The VP9 payload descriptor (draft-ietf-payload-vp9-16 §4.2).
///
/// Flexible mode (F=1):
///
///            0 1 2 3 4 5 6 7
///           +-+-+-+-+-+-+-+-+
///           |I|P|L|F|B|E|V|Z| (REQUIRED)
///           +-+-+-+-+-+-+-+-+
///      I:   |M| PICTURE ID  | (REQUIRED)
///           +-+-+-+-+-+-+-+-+
///      M:   | EXTENDED PID  | (RECOMMENDED)
///           +-+-+-+-+-+-+-+-+
///      L:   | TID |U| SID |D| (CONDITIONALLY RECOMMENDED)
///           +-+-+-+-+-+-+-+-+                             -\
///      P,F: | P_DIFF      |N| (CONDITIONALLY REQUIRED)    - up to 3 times
///           +-+-+-+-+-+-+-+-+                             -/
///      V:   | SS            |
///           | ..            |
///           +-+-+-+-+-+-+-+-+
///
/// Non-flexible mode (F=0): as above without P_DIFF, and with
///
///      L:   | TID |U| SID |D| (CONDITIONALLY RECOMMENDED)
///           +-+-+-+-+-+-+-+-+
///           |   TL0PICIDX   | (CONDITIONALLY REQUIRED)
///           +-+-+-+-+-+-+-+-+
///
/// A keyframe starts where P=0, B=1 and SID=0.
public struct VP9PayloadDescriptor: Sendable, Hashable {
    /// P: the picture is inter-picture predicted.
    public var interPicturePredicted: Bool
    /// F: flexible mode.
    public var flexibleMode: Bool
    /// B: first packet of a layer frame.
    public var startOfFrame: Bool
    /// E: last packet of a layer frame.
    public var endOfFrame: Bool
    /// Z: not used as a reference by upper spatial layers.
    public var notReferenceForUpperLayers: Bool
    /// PICTURE ID (I), 7 or 15 bits.
    public var pictureID: UInt16?
    /// M: the picture id is written with 15 bits.
    public var hasLongPictureID: Bool
    /// Layer indices (L).
    public var layer: VP9LayerIndices?
    /// TL0PICIDX (non-flexible mode with L).
    public var tl0PictureIndex: UInt8?
    /// Reference picture id differences (flexible mode with P), up to 3.
    public var referenceDiffs: VP9ReferenceDiffs
    /// Scalability structure (V).
    public var scalabilityStructure: VP9ScalabilityStructure?

    /// A descriptor with the given fields.
    public init(
        interPicturePredicted: Bool, flexibleMode: Bool = false, startOfFrame: Bool, endOfFrame: Bool,
        notReferenceForUpperLayers: Bool = false, pictureID: UInt16? = nil, hasLongPictureID: Bool = true,
        layer: VP9LayerIndices? = nil, tl0PictureIndex: UInt8? = nil, referenceDiffs: VP9ReferenceDiffs = .init(),
        scalabilityStructure: VP9ScalabilityStructure? = nil
    ) {
        self.interPicturePredicted = interPicturePredicted
        self.flexibleMode = flexibleMode
        self.startOfFrame = startOfFrame
        self.endOfFrame = endOfFrame
        self.notReferenceForUpperLayers = notReferenceForUpperLayers
        self.pictureID = pictureID
        self.hasLongPictureID = hasLongPictureID
        self.layer = layer
        self.tl0PictureIndex = tl0PictureIndex
        self.referenceDiffs = referenceDiffs
        self.scalabilityStructure = scalabilityStructure
    }

    /// Spatial layer id (0 without L).
    public var spatialID: UInt8 { layer?.spatialID ?? 0 }
    /// Temporal layer id (0 without L).
    public var temporalID: UInt8 { layer?.temporalID ?? 0 }
    /// True for the first packet of a keyframe: !P && B && SID == 0.
    public var isKeyframe: Bool { !interPicturePredicted && startOfFrame && spatialID == 0 }

    /// Parses the descriptor at the start of an RTP payload.
    public init(parsing payload: UnsafeRawBufferPointer) throws(RTPError) {
        (self, _) = try Self.parse(payload)
    }

    /// Parses the descriptor from an array.
    public init(parsing bytes: [UInt8]) throws(RTPError) {
        self = try withBytes(bytes) { (b) throws(RTPError) in try VP9PayloadDescriptor(parsing: b) }
    }

    /// Parses the descriptor and returns it with its size in bytes.
    public static func parse(_ payload: UnsafeRawBufferPointer) throws(RTPError) -> (VP9PayloadDescriptor, size: Int) {
        var r = VP9Reader(buffer: payload, structure: .vp9Descriptor)
        let b0 = try r.byte()
        var d = VP9PayloadDescriptor(
            interPicturePredicted: b0 & 0x40 != 0, flexibleMode: b0 & 0x10 != 0, startOfFrame: b0 & 0x08 != 0,
            endOfFrame: b0 & 0x04 != 0, notReferenceForUpperLayers: b0 & 0x01 != 0, hasLongPictureID: false)
        if b0 & 0x80 != 0 {
            let first = try r.byte()
            if first & 0x80 != 0 {
                d.pictureID = UInt16(first & 0x7F) << 8 | UInt16(try r.byte())
                d.hasLongPictureID = true
            } else {
                d.pictureID = UInt16(first)
            }
        }
        if b0 & 0x20 != 0 {
            d.layer = VP9LayerIndices(byte: try r.byte())
            if !d.flexibleMode { d.tl0PictureIndex = try r.byte() }
        }
        if d.flexibleMode && d.interPicturePredicted {
            while true {
                let diff = try r.byte()
                guard d.referenceDiffs.count < 3 else { throw .tooManyItems(.vp9Descriptor, count: 4, limit: 3) }
                d.referenceDiffs.append(diff >> 1)
                if diff & 0x01 == 0 { break }
            }
        }
        if b0 & 0x02 != 0 {
            d.scalabilityStructure = try VP9ScalabilityStructure(reader: &r)
        }
        return (d, r.offset)
    }

    /// Bytes `write(into:)` produces.
    public var marshalSize: Int {
        var size = 1
        if let pictureID { size += hasLongPictureID || pictureID > 0x7F ? 2 : 1 }
        if layer != nil { size += flexibleMode ? 1 : 2 }
        if flexibleMode && interPicturePredicted { size += referenceDiffs.count }
        return size + (scalabilityStructure?.marshalSize ?? 0)
    }

    /// Writes the descriptor; returns the bytes written.
    public func write(into buffer: UnsafeMutableRawBufferPointer) throws(RTPError) -> Int {
        let size = marshalSize
        guard buffer.count >= size else { throw .bufferTooSmall(needed: size, available: buffer.count) }
        if flexibleMode && interPicturePredicted && referenceDiffs.isEmpty {
            throw .invalidValue(.vp9Descriptor, value: 0)
        }
        var b0: UInt8 = interPicturePredicted ? 0x40 : 0
        if pictureID != nil { b0 |= 0x80 }
        if layer != nil { b0 |= 0x20 }
        if flexibleMode { b0 |= 0x10 }
        if startOfFrame { b0 |= 0x08 }
        if endOfFrame { b0 |= 0x04 }
        if scalabilityStructure != nil { b0 |= 0x02 }
        if notReferenceForUpperLayers { b0 |= 0x01 }
        buffer.put8(b0, 0)
        var offset = 1
        if let pictureID {
            if hasLongPictureID || pictureID > 0x7F {
                buffer.put16(0x8000 | pictureID & 0x7FFF, offset)
                offset += 2
            } else {
                buffer.put8(UInt8(truncatingIfNeeded: pictureID), offset)
                offset += 1
            }
        }
        if let layer {
            buffer.put8(layer.byte, offset)
            offset += 1
            if !flexibleMode {
                buffer.put8(tl0PictureIndex ?? 0, offset)
                offset += 1
            }
        }
        if flexibleMode && interPicturePredicted {
            for (i, diff) in referenceDiffs.enumerated() {
                buffer.put8(diff << 1 | (i + 1 < referenceDiffs.count ? 1 : 0), offset)
                offset += 1
            }
        }
        if let scalabilityStructure {
            offset += try scalabilityStructure.write(
                into: UnsafeMutableRawBufferPointer(rebasing: buffer[offset...]))
        }
        return offset
    }
}

/// The layer indices byte of the VP9 descriptor:
///
///      0 1 2 3 4 5 6 7
///     +-+-+-+-+-+-+-+-+
///     | TID |U| SID |D|
///     +-+-+-+-+-+-+-+-+
public struct VP9LayerIndices: Sendable, Hashable {
    /// TID, 0...7.
    public var temporalID: UInt8
    /// U: switching up point.
    public var switchingUpPoint: Bool
    /// SID, 0...7.
    public var spatialID: UInt8
    /// D: inter-layer dependency on the spatial layer below.
    public var interLayerDependency: Bool

    /// Layer indices with the given fields (ids are taken modulo 8).
    public init(temporalID: UInt8, switchingUpPoint: Bool = false, spatialID: UInt8, interLayerDependency: Bool = false) {
        self.temporalID = temporalID & 7
        self.switchingUpPoint = switchingUpPoint
        self.spatialID = spatialID & 7
        self.interLayerDependency = interLayerDependency
    }

    init(byte: UInt8) {
        self.init(
            temporalID: byte >> 5, switchingUpPoint: byte & 0x10 != 0, spatialID: (byte >> 1) & 7,
            interLayerDependency: byte & 1 != 0)
    }

    var byte: UInt8 {
        (temporalID & 7) << 5 | (switchingUpPoint ? 0x10 : 0) | (spatialID & 7) << 1 | (interLayerDependency ? 1 : 0)
    }
}

/// Up to three P_DIFF values, stored inline (no allocation).
public struct VP9ReferenceDiffs: RandomAccessCollection, Sendable, Hashable {
    private var storage: (UInt8, UInt8, UInt8) = (0, 0, 0)
    /// Number of values, 0...3.
    public private(set) var count: Int = 0

    /// No values.
    public init() {}

    /// The given values (at most the first three are kept).
    public init(_ values: [UInt8]) {
        for v in values.prefix(3) { append(v) }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(index: Int) -> UInt8 {
        switch index {
        case 0: return storage.0
        case 1: return storage.1
        default: return storage.2
        }
    }

    /// Appends a 7-bit value when fewer than three are stored.
    mutating func append(_ value: UInt8) {
        switch count {
        case 0: storage.0 = value & 0x7F
        case 1: storage.1 = value & 0x7F
        case 2: storage.2 = value & 0x7F
        default: return
        }
        count += 1
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.elementsEqual(rhs) }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for v in self { hasher.combine(v) }
    }
}

/// A bounds-checked byte cursor for the VP9 descriptor.
struct VP9Reader {
    let buffer: UnsafeRawBufferPointer
    let structure: RTPError.Structure
    var offset = 0

    init(buffer: UnsafeRawBufferPointer, structure: RTPError.Structure) {
        self.buffer = buffer
        self.structure = structure
    }

    mutating func byte() throws(RTPError) -> UInt8 {
        guard offset < buffer.count else { throw .truncated(structure, needed: offset + 1, available: buffer.count) }
        defer { offset += 1 }
        return buffer.u8(offset)
    }

    mutating func u16() throws(RTPError) -> UInt16 {
        UInt16(try byte()) << 8 | UInt16(try byte())
    }
}
