/// The DTLS record header, enough to find record boundaries (RFC 6347 §4.1).
///
/// ```
/// struct {
///      ContentType type;
///      ProtocolVersion version;
///      uint16 epoch;                                    // New field
///      uint48 sequence_number;                          // New field
///      uint16 length;
///      opaque fragment[DTLSPlaintext.length];
/// } DTLSPlaintext;
///
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  ContentType  |    Version (0xFEFD, 0xFEFF)   |     Epoch     .
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// .     Epoch     |          Sequence Number (48 bits)            .
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// .                               |            Length             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
///
/// Several records may share one datagram (RFC 6347 §4.1.1).
struct DTLSRecordHeader: Sendable, Equatable {
    static let length = 13
    /// RFC 6347 §4.1.1: "the length MUST NOT exceed 2^14 + 2048" for
    /// DTLSCiphertext.
    static let maxFragmentLength = (1 << 14) + 2048

    private static let typeOffset = 0
    private static let versionMajorOffset = 1
    private static let epochOffset = 3
    private static let lengthOffset = 11
    /// DTLS versions are 1's complement of the TLS ones: major byte 0xFE.
    private static let dtlsVersionMajor: UInt8 = 0xFE
    /// change_cipher_spec(20), alert(21), handshake(22), application_data(23).
    /// heartbeat(24) and tls12_cid(25) are registered but no WebRTC peer sends
    /// them and OpenSSL 3.0 mishandles them (a tls12_cid record kills an
    /// established connection), so they are rejected here.
    private static let contentTypes: ClosedRange<UInt8> = 20...23

    let contentType: UInt8
    let epoch: UInt16
    let fragmentLength: Int

    /// Parses the header at `offset` and checks that the fragment fits.
    init(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(DTLSError) {
        guard offset >= 0, offset <= bytes.count, bytes.count - offset >= Self.length else {
            throw .malformedRecord(
                reason: "truncated record header (\(bytes.count - offset) bytes left)", offset: offset,
                datagramLength: bytes.count)
        }
        let type = bytes[offset + Self.typeOffset]
        guard Self.contentTypes.contains(type) else {
            throw .malformedRecord(reason: "content type \(type)", offset: offset, datagramLength: bytes.count)
        }
        guard bytes[offset + Self.versionMajorOffset] == Self.dtlsVersionMajor else {
            throw .malformedRecord(
                reason: "version major byte \(bytes[offset + Self.versionMajorOffset])", offset: offset,
                datagramLength: bytes.count)
        }
        let length = Int(bytes[offset + Self.lengthOffset]) << 8 | Int(bytes[offset + Self.lengthOffset + 1])
        guard length <= Self.maxFragmentLength else {
            throw .malformedRecord(reason: "fragment length \(length) over limit", offset: offset, datagramLength: bytes.count)
        }
        guard length <= bytes.count - offset - Self.length else {
            throw .malformedRecord(
                reason: "fragment length \(length) exceeds the \(bytes.count - offset - Self.length) bytes left",
                offset: offset, datagramLength: bytes.count)
        }
        contentType = type
        epoch = UInt16(bytes[offset + Self.epochOffset]) << 8 | UInt16(bytes[offset + Self.epochOffset + 1])
        fragmentLength = length
    }

    /// Header plus fragment.
    var recordLength: Int { Self.length + fragmentLength }
}

/// Record-boundary helpers for datagrams in and out of the memory BIOs.
enum DTLSRecordLayer {
    /// Checks that `datagram` is one or more complete DTLS records and returns
    /// their count. Called on every received datagram before OpenSSL sees it.
    ///
    /// Records of epoch 1 and later are encrypted; one shorter than the AEAD
    /// overhead (`minimumEncryptedLength`: explicit nonce plus tag) cannot be
    /// genuine. OpenSSL 3.0 treats such a record as a fatal error and tears the
    /// connection down instead of discarding it (RFC 6347 §4.1.2.7 says
    /// discard), so anyone able to spoof one datagram could kill a session.
    /// Rejecting them here closes that hole.
    @discardableResult
    static func validate(_ datagram: UnsafeRawBufferPointer, minimumEncryptedLength: Int = 0) throws(DTLSError) -> Int {
        guard !datagram.isEmpty else {
            throw .malformedRecord(reason: "empty datagram", offset: 0, datagramLength: 0)
        }
        var offset = 0
        var count = 0
        while offset < datagram.count {
            let header = try DTLSRecordHeader(datagram, at: offset)
            if header.epoch != 0, header.fragmentLength < minimumEncryptedLength {
                throw .malformedRecord(
                    reason: "encrypted fragment of \(header.fragmentLength) bytes, below the AEAD overhead \(minimumEncryptedLength)",
                    offset: offset, datagramLength: datagram.count)
            }
            offset += header.recordLength
            count += 1
        }
        return count
    }

    /// Splits a memory BIO's output (a flight of concatenated records) at
    /// record boundaries and packs whole records into datagrams of at most
    /// `maxDatagramSize` bytes. A record longer than that (OpenSSL keeps
    /// records within the link MTU, so this should not happen) goes alone.
    /// Trailing bytes that do not form a record are sent as a last datagram
    /// rather than dropped, so nothing OpenSSL wrote is lost.
    static func packDatagrams(_ output: UnsafeRawBufferPointer, maxDatagramSize: Int) -> [[UInt8]] {
        var datagrams: [[UInt8]] = []
        var current: [UInt8] = []
        var offset = 0
        while offset < output.count {
            let recordLength: Int
            if let header = try? DTLSRecordHeader(output, at: offset) {
                recordLength = header.recordLength
            } else {
                recordLength = output.count - offset
            }
            let record = UnsafeRawBufferPointer(rebasing: output[offset..<(offset + recordLength)])
            if !current.isEmpty, current.count + recordLength > maxDatagramSize {
                datagrams.append(current)
                current = []
            }
            current.append(contentsOf: record)
            offset += recordLength
        }
        if !current.isEmpty {
            datagrams.append(current)
        }
        return datagrams
    }
}
