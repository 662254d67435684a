import TrunkWire

/// The outcome of `TrunkPeer.receiveInPlace`: a data frame decrypted where it
/// lay, or ordinary actions.
public struct TrunkInPlaceReceive: Sendable {
    /// Actions to carry out; empty (and not allocated) on the steady data path.
    public var actions: [TrunkAction]
    /// The compact header of an authenticated data frame, nil otherwise.
    public var dataHeader: TrunkDataHeader?
    /// Where that frame's RTP or RTCP packet now lies, decrypted, in the datagram buffer.
    public var payload: Range<Int>

    public init(actions: [TrunkAction], dataHeader: TrunkDataHeader? = nil, payload: Range<Int> = 0..<0) {
        self.actions = actions
        self.dataHeader = dataHeader
        self.payload = payload
    }
}

extension TrunkPeer {
    /// `receive` without allocation for data frames: the frame is decrypted in
    /// place in `datagram` and the media packet's range returned, so the node
    /// can forward it straight from its receive buffer. Every other datagram
    /// takes the ordinary `receive` path (its bytes are left untouched).
    /// After a failed authentication the buffer's content is unspecified.
    public mutating func receiveInPlace(_ datagram: UnsafeMutableRawBufferPointer, now: TrunkTime) -> TrunkInPlaceReceive {
        let bytes = UnsafeRawBufferPointer(datagram)
        guard let header = try? TrunkFrameHeader(parsing: bytes), header.type == .data, header.sender == remoteTag else {
            return TrunkInPlaceReceive(actions: receive(bytes, now: now))
        }
        let body = UnsafeMutableRawBufferPointer(rebasing: datagram[TrunkFrameHeader.size...])
        let (count, actions) = authenticate(header, datagram: bytes, into: body, now: now)
        guard let count else { return TrunkInPlaceReceive(actions: actions) }
        let plaintext = UnsafeRawBufferPointer(rebasing: bytes[TrunkFrameHeader.size..<(TrunkFrameHeader.size + count)])
        do {
            let dataHeader = try TrunkDataHeader(parsing: plaintext)
            let start = TrunkFrameHeader.size + TrunkDataHeader.size
            return TrunkInPlaceReceive(actions: actions, dataHeader: dataHeader, payload: start..<(TrunkFrameHeader.size + count))
        } catch {
            return TrunkInPlaceReceive(actions: actions + dropped(.malformed, .wire(error)))
        }
    }
}

extension TrunkEndpoint {
    /// `TrunkPeer.receiveInPlace` through the endpoint: the peer is found by
    /// the sender tag; datagrams of unknown senders take the ordinary path.
    public mutating func receiveInPlace(_ datagram: UnsafeMutableRawBufferPointer, now: TrunkTime)
        -> (peer: MeshNodeID?, result: TrunkInPlaceReceive)
    {
        let bytes = UnsafeRawBufferPointer(datagram)
        if let header = try? TrunkFrameHeader(parsing: bytes), header.type == .data,
            let result = peers[header.sender]?.receiveInPlace(datagram, now: now)
        {
            return (peers[header.sender]?.remoteNodeID, result)
        }
        let events = receive(bytes, now: now)
        return (events.first?.peer, TrunkInPlaceReceive(actions: events.map(\.action)))
    }
}
