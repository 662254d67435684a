/// Receiver report (RFC 3550 §6.4.2):
///
///             0                   1                   2                   3
///             0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///            +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     header |V=2|P|    RC   |   PT=RR=201   |             length            |
///            +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///            |                     SSRC of packet sender                     |
///            +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
///     report |                 report blocks (RC x 24 bytes)                 |
///            +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
///            |                  profile-specific extensions                  |
///            +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public struct ReceiverReport: RTCPPacketCodable {
    /// The SSRC of the reporting receiver.
    public var ssrc: SSRC
    /// Report blocks, at most 31.
    public var reports: [ReceptionReport]
    /// Profile-specific extension bytes, usually empty. (A length that is
    /// not a multiple of 4 is written with RTCP padding.)
    public var profileExtensions: [UInt8]

    /// A receiver report with the given fields.
    public init(ssrc: SSRC, reports: [ReceptionReport] = [], profileExtensions: [UInt8] = []) {
        self.ssrc = ssrc
        self.reports = reports
        self.profileExtensions = profileExtensions
    }

    public init(parsing buffer: UnsafeRawBufferPointer) throws(RTPError) {
        let (header, body) = try RTCPHeader.split(buffer, expecting: .receiverReport)
        try self.init(header: header, body: body)
    }

    init(header: RTCPHeader, body: UnsafeRawBufferPointer) throws(RTPError) {
        guard body.count >= 4 else {
            throw .truncated(.receptionReport, needed: RTCPHeader.size + 4, available: RTCPHeader.size + body.count)
        }
        ssrc = SSRC(body.be32(0))
        reports = try ReceptionReport.parseList(body, at: 4, count: Int(header.count))
        let used = 4 + reports.count * ReceptionReport.size
        profileExtensions = body.bytes(used, body.count - used)
    }

    public var marshalSize: Int { RTCPHeader.packetSize(bodySize: bodySize) }

    private var bodySize: Int { 4 + reports.count * ReceptionReport.size + profileExtensions.count }

    public func write(into buffer: UnsafeMutableRawBufferPointer) throws(RTPError) -> Int {
        guard reports.count <= 31 else { throw .tooManyItems(.receptionReport, count: reports.count, limit: 31) }
        let total = try RTCPHeader.write(
            count: UInt8(truncatingIfNeeded: reports.count), type: .receiverReport, bodySize: bodySize, into: buffer)
        buffer.put32(ssrc.rawValue, 4)
        var offset = 8
        for report in reports {
            report.write(into: buffer, at: offset)
            offset += ReceptionReport.size
        }
        buffer.putBytes(profileExtensions, offset)
        return total
    }
}
