/// The one error type of the `RTP` module.
///
/// Every case says which wire structure was being read or written and, where
/// it applies, the sizes involved, so a dropped packet can be counted with a
/// precise reason. Parsers over untrusted bytes throw these; they never trap.
public enum RTPError: Error, Sendable, Hashable {
    /// The input ended before `structure` was complete.
    case truncated(Structure, needed: Int, available: Int)
    /// A length or count field of `structure` points past the available bytes.
    case lengthOverflow(Structure, declared: Int, available: Int)
    /// The RTP/RTCP version field was not 2.
    case unsupportedVersion(UInt8)
    /// The padding count (last octet) is zero or larger than the bytes it pads.
    case invalidPadding(length: Int, available: Int)
    /// A field of `structure` holds a value the format does not allow.
    case invalidValue(Structure, value: Int)
    /// An RTCP packet type differs from the one the parser was asked for.
    case unexpectedPacketType(expected: UInt8, actual: UInt8)
    /// An RTCP feedback message type (FMT) differs from the one expected.
    case unexpectedFormat(expected: UInt8, actual: UInt8)
    /// More items than the format can carry (e.g. 32 report blocks).
    case tooManyItems(Structure, count: Int, limit: Int)
    /// The caller's output buffer is smaller than the bytes to write.
    case bufferTooSmall(needed: Int, available: Int)

    /// Names the wire structure an error refers to.
    public enum Structure: Sendable, Hashable {
        case rtpHeader, csrcList, headerExtension, headerExtensionElement, padding, payload
        case rtcpHeader, senderInfo, receptionReport, profileExtension
        case sdesChunk, sdesItem, goodbye, applicationDefined
        case feedbackHeader, genericNACK, fullIntraRequest, remb
        case transportLayerCC, packetStatusChunk, receiveDelta
        case vp8Descriptor, vp9Descriptor, vp9ScalabilityStructure
        case h264NALUnit, opusTOC
    }
}
