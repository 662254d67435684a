/// Sender report (RFC 3550 §6.4.1):
///
///             0                   1                   2                   3
///             0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///            +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     header |V=2|P|    RC   |   PT=SR=200   |             length            |
///            +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///            |                         SSRC of sender                        |
///            +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
///     sender |              NTP timestamp, most significant word             |
///     info   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///            |             NTP timestamp, least significant word             |
///            +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///            |                         RTP timestamp                         |
///            +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///            |                     sender's packet count                     |
///            +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///            |                      sender's octet count                     |
///            +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
///     report |                 report blocks (RC x 24 bytes)                 |
///            +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
///            |                  profile-specific extensions                  |
///            +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public struct SenderReport: RTCPPacketCodable {
    /// The sender's SSRC.
    public var ssrc: SSRC
    /// 64-bit NTP timestamp (seconds since 1900 in the high word, fraction low).
    public var ntpTime: UInt64
    /// RTP timestamp matching `ntpTime`.
    public var rtpTime: UInt32
    /// Packets sent since the start of transmission.
    public var packetCount: UInt32
    /// Payload octets sent since the start of transmission.
    public var octetCount: UInt32
    /// Report blocks, at most 31.
    public var reports: [ReceptionReport]
    /// Profile-specific extension bytes, usually empty. (A length that is
    /// not a multiple of 4 is written with RTCP padding.)
    public var profileExtensions: [UInt8]

    /// A sender report with the given fields.
    public init(
        ssrc: SSRC, ntpTime: UInt64, rtpTime: UInt32, packetCount: UInt32, octetCount: UInt32,
        reports: [ReceptionReport] = [], profileExtensions: [UInt8] = []
    ) {
        self.ssrc = ssrc
        self.ntpTime = ntpTime
        self.rtpTime = rtpTime
        self.packetCount = packetCount
        self.octetCount = octetCount
        self.reports = reports
        self.profileExtensions = profileExtensions
    }

    /// Middle 32 bits of `ntpTime`, the value receivers echo as LSR.
    public var compactNTPTime: UInt32 { UInt32(truncatingIfNeeded: ntpTime >> 16) }

    public init(parsing buffer: UnsafeRawBufferPointer) throws(RTPError) {
        let (header, body) = try RTCPHeader.split(buffer, expecting: .senderReport)
        try self.init(header: header, body: body)
    }

    init(header: RTCPHeader, body: UnsafeRawBufferPointer) throws(RTPError) {
        guard body.count >= 24 else {
            throw .truncated(.senderInfo, needed: RTCPHeader.size + 24, available: RTCPHeader.size + body.count)
        }
        ssrc = SSRC(body.be32(0))
        ntpTime = body.be64(4)
        rtpTime = body.be32(12)
        packetCount = body.be32(16)
        octetCount = body.be32(20)
        reports = try ReceptionReport.parseList(body, at: 24, count: Int(header.count))
        let used = 24 + reports.count * ReceptionReport.size
        profileExtensions = body.bytes(used, body.count - used)
    }

    public var marshalSize: Int { RTCPHeader.packetSize(bodySize: bodySize) }

    private var bodySize: Int { 24 + reports.count * ReceptionReport.size + profileExtensions.count }

    public func write(into buffer: UnsafeMutableRawBufferPointer) throws(RTPError) -> Int {
        guard reports.count <= 31 else { throw .tooManyItems(.receptionReport, count: reports.count, limit: 31) }
        let total = try RTCPHeader.write(
            count: UInt8(truncatingIfNeeded: reports.count), type: .senderReport, bodySize: bodySize, into: buffer)
        buffer.put32(ssrc.rawValue, 4)
        buffer.put64(ntpTime, 8)
        buffer.put32(rtpTime, 16)
        buffer.put32(packetCount, 20)
        buffer.put32(octetCount, 24)
        var offset = 28
        for report in reports {
            report.write(into: buffer, at: offset)
            offset += ReceptionReport.size
        }
        buffer.putBytes(profileExtensions, offset)
        return total
    }
}
