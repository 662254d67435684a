/// Maps incoming header extension ids to outgoing ones for forwarding.
///
/// A fixed 15-entry table (ids 0...14, four bits each) packed in one word: no
/// allocation, copied by value. An entry of 0 drops the element. Ids outside
/// 1...14 (two-byte form only) have no entry and are always dropped, since
/// the receiving side negotiated its own ids.
public struct RTPExtensionIDMap: Sendable, Hashable {
    private var table: UInt64

    /// Keeps every id 1...14 unchanged.
    public static let identity: RTPExtensionIDMap = {
        var table: UInt64 = 0
        for id in UInt64(1)...14 { table |= id << (id * 4) }
        return RTPExtensionIDMap(table: table)
    }()

    /// Drops every element.
    public static let dropAll = RTPExtensionIDMap(table: 0)

    private init(table: UInt64) { self.table = table }

    /// A map that sends each key to its value and drops ids not listed.
    /// Throws `invalidValue(.headerExtensionElement, …)` for ids outside 1...14.
    public init(_ mapping: [UInt8: UInt8]) throws(RTPError) {
        table = 0
        for (from, to) in mapping { try map(from, to: to) }
    }

    /// Sends `id` to `newID`, or drops it when `newID` is `nil`.
    public mutating func map(_ id: UInt8, to newID: UInt8?) throws(RTPError) {
        guard (1...14).contains(id) else { throw .invalidValue(.headerExtensionElement, value: Int(id)) }
        let value = newID ?? 0
        guard value <= 14 else { throw .invalidValue(.headerExtensionElement, value: Int(value)) }
        let shift = UInt64(id) * 4
        table = table & ~(0xF << shift) | UInt64(value) << shift
    }

    /// The outgoing id for `id`, or `nil` if the element is dropped.
    @inline(__always)
    public func mappedID(_ id: UInt8) -> UInt8? {
        let value = raw(id)
        return value == 0 ? nil : value
    }

    /// 0 means drop.
    @inline(__always)
    func raw(_ id: UInt8) -> UInt8 {
        guard id < 15 else { return 0 }
        return UInt8(truncatingIfNeeded: table >> (UInt64(id) * 4)) & 0x0F
    }
}

/// The header fields a forwarding consumer sets on each packet it sends.
public struct RTPRewrite: Sendable, Hashable {
    /// Outgoing SSRC.
    public var ssrc: SSRC
    /// Outgoing sequence number.
    public var sequenceNumber: UInt16
    /// Outgoing RTP timestamp.
    public var timestamp: UInt32
    /// Outgoing payload type (only the low 7 bits are used).
    public var payloadType: UInt8
    /// Extension id translation; elements mapped to nothing are removed.
    public var extensionIDs: RTPExtensionIDMap

    /// A rewrite with every field given (extension ids kept by default).
    public init(
        ssrc: SSRC, sequenceNumber: UInt16, timestamp: UInt32, payloadType: UInt8,
        extensionIDs: RTPExtensionIDMap = .identity
    ) {
        self.ssrc = ssrc
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
        self.payloadType = payloadType
        self.extensionIDs = extensionIDs
    }
}

extension RTPHeaderView {
    /// Copies `packet` (which this view was parsed from) into `out` with the
    /// SSRC, sequence number, timestamp and payload type of `rewrite`, and its
    /// RFC 8285 extension elements renumbered or dropped by
    /// `rewrite.extensionIDs`. Marker, CSRCs, payload and padding are kept; an
    /// opaque (non-RFC 8285) extension is copied unchanged; if no element is
    /// left the extension block is removed (X=0). Does not allocate.
    ///
    /// - Returns: the number of bytes written (never more than `packetLength`).
    /// - Throws: `bufferTooSmall` if `out` is shorter than `packetLength`;
    ///   `truncated` if `packet` is shorter than this view says.
    public func rewrite(
        _ packet: UnsafeRawBufferPointer, with rewrite: RTPRewrite, into out: UnsafeMutableRawBufferPointer
    ) throws(RTPError) -> Int {
        let length = packetLength
        guard packet.count >= length else { throw .truncated(.rtpHeader, needed: length, available: packet.count) }
        guard out.count >= length else { throw .bufferTooSmall(needed: length, available: out.count) }
        var b0 = packet.u8(0) & 0xEF
        out.put8((marker ? 0x80 : 0) | rewrite.payloadType & 0x7F, 1)
        out.put16(rewrite.sequenceNumber, 2)
        out.put32(rewrite.timestamp, 4)
        out.put32(rewrite.ssrc.rawValue, 8)
        var o = Self.fixedHeaderSize
        if csrcCount > 0 {
            out.putBytes(UnsafeRawBufferPointer(rebasing: packet[o..<(o + csrcCount * 4)]), o)
            o += csrcCount * 4
        }
        switch extensionForm {
        case .none:
            break
        case .opaque:
            let start = extensionOffset - 4
            out.putBytes(UnsafeRawBufferPointer(rebasing: packet[start..<(extensionOffset + extensionLength)]), o)
            o += 4 + extensionLength
            b0 |= 0x10
        case .oneByte, .twoByte:
            let blockStart = o
            o += 4
            var cursor = RTPExtensionCursor(
                form: extensionForm, start: extensionOffset, end: extensionOffset + extensionLength)
            let twoByte = cursor.mode == 2
            while case .element(let element) = cursor.next(packet) {
                let newID = rewrite.extensionIDs.raw(element.id)
                if newID == 0 { continue }
                if twoByte {
                    out.put8(newID, o)
                    out.put8(UInt8(truncatingIfNeeded: element.length), o + 1)
                    o += 2
                } else {
                    out.put8(newID << 4 | UInt8(truncatingIfNeeded: element.length - 1), o)
                    o += 1
                }
                for i in 0..<element.length { out.put8(packet.u8(element.offset + i), o + i) }
                o += element.length
            }
            if o == blockStart + 4 {
                o = blockStart
            } else {
                let padded = blockStart + 4 + roundUpToWord(o - blockStart - 4)
                while o < padded {
                    out.put8(0, o)
                    o += 1
                }
                out.put16(extensionProfile ?? RTPHeaderExtensionForm.oneByteProfile, blockStart)
                out.put16(UInt16(truncatingIfNeeded: (o - blockStart - 4) / 4), blockStart + 2)
                b0 |= 0x10
            }
        }
        out.put8(b0, 0)
        let tail = length - payloadOffset
        if tail > 0 {
            out.putBytes(UnsafeRawBufferPointer(rebasing: packet[payloadOffset..<length]), o)
        }
        return o + tail
    }
}
