/// The VP8 payload descriptor (RFC 7741 §4.2) and keyframe flag:
///
///           0 1 2 3 4 5 6 7
///          +-+-+-+-+-+-+-+-+
///          |X|R|N|S|R| PID | (REQUIRED)
///          +-+-+-+-+-+-+-+-+
///     X:   |I|L|T|K| RSV   | (OPTIONAL)
///          +-+-+-+-+-+-+-+-+
///     I:   |M| PictureID   | (OPTIONAL)
///          +-+-+-+-+-+-+-+-+
///          |   PictureID   | (OPTIONAL, when M=1: 15-bit PictureID)
///          +-+-+-+-+-+-+-+-+
///     L:   |   TL0PICIDX   | (OPTIONAL)
///          +-+-+-+-+-+-+-+-+
///     T/K: |TID|Y| KEYIDX  | (OPTIONAL)
///          +-+-+-+-+-+-+-+-+
///
/// The VP8 payload header (RFC 7741 §4.3) follows in the first packet of a
/// frame (S=1, PID=0); the low bit of its first byte is the inverse keyframe
/// flag P (0 = keyframe).
public struct VP8PayloadDescriptor: Sendable, Hashable {
    /// N: the frame can be discarded without affecting others.
    public var nonReference: Bool
    /// S: this packet starts a VP8 partition.
    public var startOfPartition: Bool
    /// PID: partition index, 0...7.
    public var partitionIndex: UInt8
    /// PictureID (I), 7 or 15 bits.
    public var pictureID: UInt16?
    /// M: the PictureID is written with 15 bits.
    public var hasLongPictureID: Bool
    /// TL0PICIDX (L).
    public var tl0PictureIndex: UInt8?
    /// TID (T), 0...3.
    public var temporalLayerID: UInt8?
    /// Y: layer sync (only meaningful with a TID).
    public var layerSync: Bool
    /// KEYIDX (K), 0...31.
    public var keyIndex: UInt8?
    /// True for the first packet of a keyframe (S=1, PID=0 and P=0 in the
    /// VP8 payload header); false otherwise. Not written by `write(into:)`.
    public var isKeyframe: Bool

    /// A descriptor with the given fields.
    public init(
        nonReference: Bool = false, startOfPartition: Bool, partitionIndex: UInt8 = 0, pictureID: UInt16? = nil,
        hasLongPictureID: Bool = true, tl0PictureIndex: UInt8? = nil, temporalLayerID: UInt8? = nil,
        layerSync: Bool = false, keyIndex: UInt8? = nil, isKeyframe: Bool = false
    ) {
        self.nonReference = nonReference
        self.startOfPartition = startOfPartition
        self.partitionIndex = partitionIndex
        self.pictureID = pictureID
        self.hasLongPictureID = hasLongPictureID
        self.tl0PictureIndex = tl0PictureIndex
        self.temporalLayerID = temporalLayerID
        self.layerSync = layerSync
        self.keyIndex = keyIndex
        self.isKeyframe = isKeyframe
    }

    /// Parses the descriptor at the start of an RTP payload; `size` is then
    /// the offset of the VP8 payload.
    public init(parsing payload: UnsafeRawBufferPointer) throws(RTPError) {
        (self, _) = try Self.parse(payload)
    }

    /// Parses the descriptor from an array.
    public init(parsing bytes: [UInt8]) throws(RTPError) {
        self = try withBytes(bytes) { (b) throws(RTPError) in try VP8PayloadDescriptor(parsing: b) }
    }

    /// Parses the descriptor and returns it with its size in bytes.
    public static func parse(_ payload: UnsafeRawBufferPointer) throws(RTPError) -> (VP8PayloadDescriptor, size: Int) {
        let count = payload.count
        guard count >= 1 else { throw .truncated(.vp8Descriptor, needed: 1, available: 0) }
        let b0 = payload.u8(0)
        var d = VP8PayloadDescriptor(
            nonReference: b0 & 0x20 != 0, startOfPartition: b0 & 0x10 != 0, partitionIndex: b0 & 0x07,
            hasLongPictureID: false)
        var offset = 1
        if b0 & 0x80 != 0 {
            guard offset < count else { throw .truncated(.vp8Descriptor, needed: offset + 1, available: count) }
            let x = payload.u8(offset)
            offset += 1
            if x & 0x80 != 0 {
                guard offset < count else { throw .truncated(.vp8Descriptor, needed: offset + 1, available: count) }
                let first = payload.u8(offset)
                if first & 0x80 != 0 {
                    guard offset + 2 <= count else { throw .truncated(.vp8Descriptor, needed: offset + 2, available: count) }
                    d.pictureID = payload.be16(offset) & 0x7FFF
                    d.hasLongPictureID = true
                    offset += 2
                } else {
                    d.pictureID = UInt16(first)
                    offset += 1
                }
            }
            if x & 0x40 != 0 {
                guard offset < count else { throw .truncated(.vp8Descriptor, needed: offset + 1, available: count) }
                d.tl0PictureIndex = payload.u8(offset)
                offset += 1
            }
            if x & 0x30 != 0 {
                guard offset < count else { throw .truncated(.vp8Descriptor, needed: offset + 1, available: count) }
                let tk = payload.u8(offset)
                offset += 1
                if x & 0x20 != 0 {
                    d.temporalLayerID = tk >> 6
                    d.layerSync = tk & 0x20 != 0
                }
                if x & 0x10 != 0 { d.keyIndex = tk & 0x1F }
            }
        }
        if d.startOfPartition, d.partitionIndex == 0, offset < count {
            d.isKeyframe = payload.u8(offset) & 0x01 == 0
        }
        return (d, offset)
    }

    /// Bytes `write(into:)` produces.
    public var marshalSize: Int {
        var size = 1
        let extended = pictureID != nil || tl0PictureIndex != nil || temporalLayerID != nil || keyIndex != nil
        if extended { size += 1 }
        if let pictureID { size += hasLongPictureID || pictureID > 0x7F ? 2 : 1 }
        if tl0PictureIndex != nil { size += 1 }
        if temporalLayerID != nil || keyIndex != nil { size += 1 }
        return size
    }

    /// Writes the descriptor; returns the bytes written. A PictureID above
    /// 127 is always written with 15 bits.
    public func write(into buffer: UnsafeMutableRawBufferPointer) throws(RTPError) -> Int {
        let size = marshalSize
        guard buffer.count >= size else { throw .bufferTooSmall(needed: size, available: buffer.count) }
        guard partitionIndex < 8 else { throw .invalidValue(.vp8Descriptor, value: Int(partitionIndex)) }
        let extended = size > 1
        buffer.put8(
            (extended ? 0x80 : 0) | (nonReference ? 0x20 : 0) | (startOfPartition ? 0x10 : 0) | partitionIndex, 0)
        guard extended else { return 1 }
        var x: UInt8 = 0
        if pictureID != nil { x |= 0x80 }
        if tl0PictureIndex != nil { x |= 0x40 }
        if temporalLayerID != nil { x |= 0x20 }
        if keyIndex != nil { x |= 0x10 }
        buffer.put8(x, 1)
        var offset = 2
        if let pictureID {
            if hasLongPictureID || pictureID > 0x7F {
                buffer.put16(0x8000 | pictureID & 0x7FFF, offset)
                offset += 2
            } else {
                buffer.put8(UInt8(truncatingIfNeeded: pictureID), offset)
                offset += 1
            }
        }
        if let tl0PictureIndex {
            buffer.put8(tl0PictureIndex, offset)
            offset += 1
        }
        if temporalLayerID != nil || keyIndex != nil {
            let tid = (temporalLayerID ?? 0) & 3
            let sync: UInt8 = temporalLayerID != nil && layerSync ? 0x20 : 0
            buffer.put8(tid << 6 | sync | (keyIndex ?? 0) & 0x1F, offset)
            offset += 1
        }
        return offset
    }
}
