/// What an H.264 RTP payload (RFC 6184 §5) carries: its packetization mode,
/// the NAL unit types present, and whether it starts a keyframe.
///
/// NAL unit header (RFC 6184 §1.3, also the first byte of STAP-A/FU-A):
///
///     +---------------+
///     |0|1|2|3|4|5|6|7|
///     +-+-+-+-+-+-+-+-+
///     |F|NRI|  Type   |
///     +---------------+
///
/// STAP-A (§5.7.1, type 24): the header, then repeated 16-bit NALU size and
/// NAL unit. FU-A (§5.8, type 28): the FU indicator (a NAL header), then
///
///     +---------------+
///     |0|1|2|3|4|5|6|7|
///     +-+-+-+-+-+-+-+-+
///     |S|E|R|  Type   |
///     +---------------+
///
/// A keyframe starts when an IDR slice (5) or an SPS (7) is present, or for
/// FU-A, when the first fragment (S=1) of such a NAL unit arrives.
public struct H264PayloadInfo: Sendable, Hashable {
    /// How the payload is packetized.
    public enum Packetization: Sendable, Hashable {
        /// One NAL unit of the given type (1...23).
        case singleNALUnit
        /// STAP-A, one or more aggregated NAL units.
        case stapA
        /// FU-A, a fragment of one NAL unit.
        case fuA
        /// STAP-B, MTAP16, MTAP24 or FU-B (used only in interleaved mode;
        /// not inspected).
        case unsupported(UInt8)
    }

    /// NAL unit type of an IDR slice.
    public static let idrSlice: UInt8 = 5
    /// NAL unit type of a sequence parameter set.
    public static let sequenceParameterSet: UInt8 = 7
    /// NAL unit type of a picture parameter set.
    public static let pictureParameterSet: UInt8 = 8

    /// The packetization.
    public var packetization: Packetization
    /// Bit n set when a NAL unit of type n is carried (for FU-A, the
    /// fragmented unit's type).
    public var nalUnitTypes: UInt32
    /// Number of NAL units (1 for single and FU-A, the count for STAP-A).
    public var nalUnitCount: Int
    /// FU-A: S bit; true for other packetizations.
    public var isStartOfNALUnit: Bool
    /// FU-A: E bit; true for other packetizations.
    public var isEndOfNALUnit: Bool

    /// True when an IDR slice or SPS is carried (or starts, for FU-A).
    public var isKeyframe: Bool {
        isStartOfNALUnit && nalUnitTypes & (1 << Self.idrSlice | 1 << Self.sequenceParameterSet) != 0
    }

    /// True if a NAL unit of `type` is carried.
    public func contains(nalUnitType type: UInt8) -> Bool {
        type < 32 && nalUnitTypes & (1 << UInt32(type)) != 0
    }

    /// Inspects an RTP payload.
    ///
    /// - Throws: `truncated` for an empty payload or short FU-A/STAP-A;
    ///   `lengthOverflow` for a STAP-A size past the end;
    ///   `invalidValue(.h264NALUnit, …)` for NAL type 0, 30 or 31, or a
    ///   STAP-A unit of size 0.
    public init(parsing payload: UnsafeRawBufferPointer) throws(RTPError) {
        let count = payload.count
        guard count >= 1 else { throw .truncated(.h264NALUnit, needed: 1, available: 0) }
        let type = payload.u8(0) & 0x1F
        isStartOfNALUnit = true
        isEndOfNALUnit = true
        switch type {
        case 1...23:
            packetization = .singleNALUnit
            nalUnitTypes = 1 << UInt32(type)
            nalUnitCount = 1
        case 24:
            packetization = .stapA
            nalUnitTypes = 0
            nalUnitCount = 0
            var offset = 1
            while offset < count {
                guard offset + 2 <= count else { throw .truncated(.h264NALUnit, needed: offset + 2, available: count) }
                let size = Int(payload.be16(offset))
                offset += 2
                guard size > 0 else { throw .invalidValue(.h264NALUnit, value: 0) }
                guard size <= count - offset else {
                    throw .lengthOverflow(.h264NALUnit, declared: size, available: count - offset)
                }
                nalUnitTypes |= 1 << UInt32(payload.u8(offset) & 0x1F)
                nalUnitCount += 1
                offset += size
            }
            guard nalUnitCount > 0 else { throw .truncated(.h264NALUnit, needed: 3, available: count) }
        case 28:
            guard count >= 2 else { throw .truncated(.h264NALUnit, needed: 2, available: count) }
            let fu = payload.u8(1)
            packetization = .fuA
            nalUnitTypes = 1 << UInt32(fu & 0x1F)
            nalUnitCount = 1
            isStartOfNALUnit = fu & 0x80 != 0
            isEndOfNALUnit = fu & 0x40 != 0
        case 25, 26, 27, 29:
            packetization = .unsupported(type)
            nalUnitTypes = 0
            nalUnitCount = 0
        default:
            throw .invalidValue(.h264NALUnit, value: Int(type))
        }
    }

    /// Inspects an RTP payload held in an array.
    public init(parsing bytes: [UInt8]) throws(RTPError) {
        self = try withBytes(bytes) { (b) throws(RTPError) in try H264PayloadInfo(parsing: b) }
    }
}
