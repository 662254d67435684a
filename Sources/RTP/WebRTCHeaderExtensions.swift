/// Absolute send time: 24-bit fixed point seconds, 6 integer and 18
/// fractional bits, wrapping every 64 s (webrtc.org abs-send-time).
public struct AbsSendTime: RawRepresentable, Sendable, Hashable {
    /// The 24-bit wire value.
    public let rawValue: UInt32

    /// Wraps a wire value (the top 8 bits are cleared).
    public init(rawValue: UInt32) { self.rawValue = rawValue & 0xFF_FFFF }

    /// The send time for a clock reading in microseconds.
    public init(microseconds: UInt64) {
        self.init(rawValue: UInt32(truncatingIfNeeded: (microseconds << 18) / 1_000_000))
    }

    /// The value in microseconds within its 64 s period.
    public var microseconds: UInt64 { (UInt64(rawValue) * 1_000_000) >> 18 }

    /// The 3 value bytes.
    public var bytes: [UInt8] {
        [UInt8(truncatingIfNeeded: rawValue >> 16), UInt8(truncatingIfNeeded: rawValue >> 8), UInt8(truncatingIfNeeded: rawValue)]
    }
}

/// Client-to-mixer audio level (RFC 6464 §3):
///
///      0 1 2 3 4 5 6 7
///     +-+-+-+-+-+-+-+-+
///     |V|    level    |
///     +-+-+-+-+-+-+-+-+
public struct AudioLevel: Sendable, Hashable {
    /// Level in -dBov, 0 (loudest) ... 127 (silence).
    public var level: UInt8
    /// The V flag: the encoder detected voice.
    public var voiceActivity: Bool

    /// An audio level (level is clamped to 127).
    public init(level: UInt8, voiceActivity: Bool) {
        self.level = min(level, 127)
        self.voiceActivity = voiceActivity
    }

    /// Decodes the first value byte.
    public init(byte: UInt8) { self.init(level: byte & 0x7F, voiceActivity: byte & 0x80 != 0) }

    /// The value byte.
    public var byte: UInt8 { (voiceActivity ? 0x80 : 0) | min(level, 127) }
}

/// Coordination of video orientation (3GPP TS 26.114 §7.4.5):
///
///      0 1 2 3 4 5 6 7
///     +-+-+-+-+-+-+-+-+
///     |0 0 0 0|C|F|R R|
///     +-+-+-+-+-+-+-+-+
public struct VideoOrientation: Sendable, Hashable {
    /// Clockwise rotation in quarter turns (0...3: 0°, 90°, 180°, 270°).
    public var quarterTurns: UInt8
    /// C: the back-facing camera captured the video.
    public var backFacingCamera: Bool
    /// F: the video is flipped horizontally.
    public var horizontalFlip: Bool

    /// An orientation (quarter turns are taken modulo 4).
    public init(quarterTurns: UInt8, backFacingCamera: Bool = false, horizontalFlip: Bool = false) {
        self.quarterTurns = quarterTurns & 3
        self.backFacingCamera = backFacingCamera
        self.horizontalFlip = horizontalFlip
    }

    /// Decodes the value byte.
    public init(byte: UInt8) {
        self.init(quarterTurns: byte & 3, backFacingCamera: byte & 0x08 != 0, horizontalFlip: byte & 0x04 != 0)
    }

    /// Rotation in degrees: 0, 90, 180 or 270.
    public var degrees: Int { Int(quarterTurns & 3) * 90 }

    /// The value byte.
    public var byte: UInt8 { (backFacingCamera ? 0x08 : 0) | (horizontalFlip ? 0x04 : 0) | quarterTurns & 3 }
}

extension RTPHeaderView {
    /// sdes:mid (``RTPHeaderExtensionURI/mid``). Values up to 15 bytes make
    /// a small string, which does not allocate.
    public func mid(id: UInt8, in packet: UnsafeRawBufferPointer) -> String? {
        text(id: id, in: packet)
    }

    /// rtp-stream-id, the simulcast `rid` (``RTPHeaderExtensionURI/rtpStreamID``).
    public func rtpStreamID(id: UInt8, in packet: UnsafeRawBufferPointer) -> String? {
        text(id: id, in: packet)
    }

    /// repaired-rtp-stream-id (``RTPHeaderExtensionURI/repairedRTPStreamID``).
    public func repairedRTPStreamID(id: UInt8, in packet: UnsafeRawBufferPointer) -> String? {
        text(id: id, in: packet)
    }

    /// abs-send-time (``RTPHeaderExtensionURI/absSendTime``): needs 3 bytes.
    public func absSendTime(id: UInt8, in packet: UnsafeRawBufferPointer) -> AbsSendTime? {
        guard let r = extensionRange(id: id, in: packet), r.count >= 3 else { return nil }
        return AbsSendTime(rawValue: packet.be24(r.lowerBound))
    }

    /// transport-wide-cc sequence number (``RTPHeaderExtensionURI/transportWideCC``).
    public func transportSequenceNumber(id: UInt8, in packet: UnsafeRawBufferPointer) -> UInt16? {
        guard let r = extensionRange(id: id, in: packet), r.count >= 2 else { return nil }
        return packet.be16(r.lowerBound)
    }

    /// ssrc-audio-level (``RTPHeaderExtensionURI/audioLevel``).
    public func audioLevel(id: UInt8, in packet: UnsafeRawBufferPointer) -> AudioLevel? {
        guard let r = extensionRange(id: id, in: packet), r.count >= 1 else { return nil }
        return AudioLevel(byte: packet.u8(r.lowerBound))
    }

    /// video-orientation (``RTPHeaderExtensionURI/videoOrientation``).
    public func videoOrientation(id: UInt8, in packet: UnsafeRawBufferPointer) -> VideoOrientation? {
        guard let r = extensionRange(id: id, in: packet), r.count >= 1 else { return nil }
        return VideoOrientation(byte: packet.u8(r.lowerBound))
    }

    /// Overwrites the value of element `id` in place, e.g. in a buffer just
    /// written by ``rewrite(_:with:into:)`` after parsing it again. Returns
    /// false if the element is absent or its length differs from `value`'s.
    @discardableResult
    public func overwriteExtension(
        id: UInt8, with value: UnsafeRawBufferPointer, in packet: UnsafeMutableRawBufferPointer
    ) -> Bool {
        guard let r = extensionRange(id: id, in: UnsafeRawBufferPointer(packet)), r.count == value.count else {
            return false
        }
        packet.putBytes(value, r.lowerBound)
        return true
    }

    /// Sets the transport-wide sequence number in place (2-byte element).
    @discardableResult
    public func setTransportSequenceNumber(
        _ value: UInt16, id: UInt8, in packet: UnsafeMutableRawBufferPointer
    ) -> Bool {
        guard let r = extensionRange(id: id, in: UnsafeRawBufferPointer(packet)), r.count == 2 else { return false }
        packet.put16(value, r.lowerBound)
        return true
    }

    /// Sets abs-send-time in place (3-byte element).
    @discardableResult
    public func setAbsSendTime(_ value: AbsSendTime, id: UInt8, in packet: UnsafeMutableRawBufferPointer) -> Bool {
        guard let r = extensionRange(id: id, in: UnsafeRawBufferPointer(packet)), r.count == 3 else { return false }
        packet.put24(value.rawValue, r.lowerBound)
        return true
    }

    private func text(id: UInt8, in packet: UnsafeRawBufferPointer) -> String? {
        guard let r = extensionRange(id: id, in: packet) else { return nil }
        return String(decoding: UnsafeRawBufferPointer(rebasing: packet[r]), as: UTF8.self)
    }
}

extension RTPHeaderExtension {
    /// An sdes:mid / rid / repaired-rid element carrying `text` as UTF-8.
    public static func text(id: UInt8, _ text: String) -> RTPHeaderExtension {
        RTPHeaderExtension(id: id, value: Array(text.utf8))
    }

    /// An abs-send-time element.
    public static func absSendTime(id: UInt8, _ value: AbsSendTime) -> RTPHeaderExtension {
        RTPHeaderExtension(id: id, value: value.bytes)
    }

    /// A transport-wide-cc sequence number element.
    public static func transportSequenceNumber(id: UInt8, _ value: UInt16) -> RTPHeaderExtension {
        RTPHeaderExtension(id: id, value: [UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)])
    }

    /// An ssrc-audio-level element.
    public static func audioLevel(id: UInt8, _ value: AudioLevel) -> RTPHeaderExtension {
        RTPHeaderExtension(id: id, value: [value.byte])
    }

    /// A video-orientation element.
    public static func videoOrientation(id: UInt8, _ value: VideoOrientation) -> RTPHeaderExtension {
        RTPHeaderExtension(id: id, value: [value.byte])
    }
}
