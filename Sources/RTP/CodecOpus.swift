/// Opus payload helpers (RFC 7587, RFC 6716).
public enum OpusPayload {
    /// Largest payload treated as DTX / comfort noise. With DTX, libopus
    /// sends 1- or 2-byte packets (a TOC byte, maybe a frame length) during
    /// silence, so forwarding can skip or deprioritize them.
    public static let maximumDTXSize = 2

    /// True if a payload of `length` bytes is a DTX packet.
    @inlinable public static func isDTX(payloadLength length: Int) -> Bool { length <= maximumDTXSize }

    /// True if `payload` is a DTX packet.
    @inlinable public static func isDTX(_ payload: UnsafeRawBufferPointer) -> Bool { isDTX(payloadLength: payload.count) }
}

/// The Opus TOC byte that starts every Opus packet (RFC 6716 §3.1):
///
///      0
///      0 1 2 3 4 5 6 7
///     +-+-+-+-+-+-+-+-+
///     | config  |s| c |
///     +-+-+-+-+-+-+-+-+
public struct OpusTOC: Sendable, Hashable {
    /// Coding mode of a configuration.
    public enum Mode: Sendable, Hashable { case silk, hybrid, celt }

    /// The configuration number, 0...31.
    public var configuration: UInt8
    /// s: stereo.
    public var isStereo: Bool
    /// c: frame count code (0: 1 frame, 1: 2 equal, 2: 2 different, 3: arbitrary).
    public var frameCountCode: UInt8

    /// Decodes a TOC byte.
    public init(byte: UInt8) {
        configuration = byte >> 3
        isStereo = byte & 0x04 != 0
        frameCountCode = byte & 0x03
    }

    /// Reads the TOC byte of a payload.
    public init(parsing payload: UnsafeRawBufferPointer) throws(RTPError) {
        guard payload.count >= 1 else { throw .truncated(.opusTOC, needed: 1, available: 0) }
        self.init(byte: payload.u8(0))
    }

    /// The coding mode (RFC 6716 Table 2).
    public var mode: Mode {
        switch configuration {
        case 0...11: return .silk
        case 12...15: return .hybrid
        default: return .celt
        }
    }

    /// Duration of one frame in microseconds (RFC 6716 Table 2).
    public var frameDurationMicroseconds: Int {
        switch configuration {
        case 0...11: return [10_000, 20_000, 40_000, 60_000][Int(configuration % 4)]
        case 12...15: return configuration % 2 == 0 ? 10_000 : 20_000
        default: return [2_500, 5_000, 10_000, 20_000][Int(configuration % 4)]
        }
    }
}
