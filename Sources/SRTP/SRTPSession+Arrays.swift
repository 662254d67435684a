extension SRTPSession {
    /// Protects an RTP packet held in an array, growing it by the trailer.
    /// Allocates; meant for control paths and tests, not the media path.
    public func protectRTP(_ packet: inout [UInt8]) throws(SRTPError) {
        try transform(&packet, tailroom: Self.maxTrailer) { (buffer, length) throws(SRTPError) in
            try protectRTP(buffer: buffer, length: length)
        }
    }

    /// Unprotects an SRTP packet held in an array, shrinking it to the RTP packet.
    public func unprotectRTP(_ packet: inout [UInt8]) throws(SRTPError) {
        try transform(&packet, tailroom: 0) { (buffer, length) throws(SRTPError) in
            try unprotectRTP(buffer: buffer, length: length)
        }
    }

    /// Protects a (compound) RTCP packet held in an array.
    public func protectRTCP(_ packet: inout [UInt8]) throws(SRTPError) {
        try transform(&packet, tailroom: Self.maxRTCPTrailer) { (buffer, length) throws(SRTPError) in
            try protectRTCP(buffer: buffer, length: length)
        }
    }

    /// Unprotects an SRTCP packet held in an array.
    public func unprotectRTCP(_ packet: inout [UInt8]) throws(SRTPError) {
        try transform(&packet, tailroom: 0) { (buffer, length) throws(SRTPError) in
            try unprotectRTCP(buffer: buffer, length: length)
        }
    }

    private func transform(
        _ packet: inout [UInt8], tailroom: Int,
        _ operation: (UnsafeMutableRawBufferPointer, Int) throws(SRTPError) -> Int
    ) throws(SRTPError) {
        let length = packet.count
        packet.append(contentsOf: repeatElement(0, count: tailroom))
        let result = packet.withUnsafeMutableBytes { buffer in
            Result { () throws(SRTPError) -> Int in try operation(buffer, length) }
        }
        switch result {
        case .success(let newLength):
            packet.removeLast(packet.count - newLength)
        case .failure(let error):
            packet.removeLast(tailroom)
            throw error
        }
    }
}
