import Testing
@testable import DTLS

/// A DTLS 1.2 record: type, version FEFD, epoch, 48-bit sequence, length, fragment.
private func record(type: UInt8 = 22, epoch: UInt16 = 0, sequence: UInt8 = 0, fragment: [UInt8]) -> [UInt8] {
    let length = UInt16(fragment.count)
    return [type, 0xFE, 0xFD, UInt8(epoch >> 8), UInt8(epoch & 0xFF), 0, 0, 0, 0, 0, sequence,
            UInt8(length >> 8), UInt8(length & 0xFF)] + fragment
}

@Suite("DTLS record layer (RFC 6347 §4.1)")
struct DTLSRecordLayerTests {
    @Test("record counts of valid datagrams")
    func validDatagrams() throws {
        let one = record(fragment: [1, 2, 3])
        let four = record(fragment: []) + record(type: 20, fragment: [1]) + record(type: 21, fragment: [2, 40]) + record(type: 23, epoch: 1, fragment: [UInt8](repeating: 7, count: 100))
        #expect(try one.withUnsafeBytes { try DTLSRecordLayer.validate($0) } == 1)
        #expect(try four.withUnsafeBytes { try DTLSRecordLayer.validate($0) } == 4)
    }

    static let malformedCases: [(bytes: [UInt8], offset: Int)] = {
        let good = record(fragment: [1])
        var wrongTypeLow = good; wrongTypeLow[0] = 19  // content type below change_cipher_spec(20)
        var heartbeat = good; heartbeat[0] = 24  // heartbeat(24): not used by WebRTC
        var connectionID = good; connectionID[0] = 25  // tls12_cid(25): kills OpenSSL 3.0 connections
        var tlsVersion = good; tlsVersion[1] = 0x03; tlsVersion[2] = 0x03  // TLS 1.2, not DTLS
        return [
            ([], 0),  // empty
            ([22, 0xFE, 0xFD, 0, 0], 0),  // truncated header
            (wrongTypeLow, 0),
            (heartbeat, 0),
            (connectionID, 0),
            (tlsVersion, 0),
            (Array(record(fragment: [1, 2, 3]).dropLast()), 0),  // fragment longer than the rest
            (good + [22, 0xFE], 14),  // trailing junk after a good record
            ([22, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF], 0),  // length 65535 over 2^14 + 2048
        ]
    }()

    @Test("malformed datagrams are rejected with the offset of the bad record", arguments: malformedCases)
    func malformed(bytes: [UInt8], offset: Int) {
        #expect {
            try bytes.withUnsafeBytes { try DTLSRecordLayer.validate($0) }
        } throws: { error in
            guard case DTLSError.malformedRecord(_, let at, let length) = error else { return false }
            return at == offset && length == bytes.count
        }
    }

    @Test("a flight is packed into datagrams at record boundaries within the limit")
    func packing() {
        let a = record(sequence: 1, fragment: [UInt8](repeating: 1, count: 487))  // 500 bytes
        let b = record(sequence: 2, fragment: [UInt8](repeating: 2, count: 587))  // 600 bytes
        let c = record(sequence: 3, fragment: [UInt8](repeating: 3, count: 87))  // 100 bytes
        let d = record(sequence: 4, fragment: [UInt8](repeating: 4, count: 1387))  // 1400 bytes, over the limit
        let flight = a + b + c + d
        let datagrams = flight.withUnsafeBytes { DTLSRecordLayer.packDatagrams($0, maxDatagramSize: 1200) }
        // a+b = 1100 fits, +c = 1200 fits exactly, d alone.
        #expect(datagrams == [a + b + c, d])
        let small = flight.withUnsafeBytes { DTLSRecordLayer.packDatagrams($0, maxDatagramSize: 600) }
        #expect(small == [a, b, c, d])
        // Nothing is lost, even trailing bytes that are no record.
        let withJunk = (a + [9, 9, 9]).withUnsafeBytes { DTLSRecordLayer.packDatagrams($0, maxDatagramSize: 1200) }
        #expect(withJunk.flatMap { $0 } == a + [9, 9, 9])
        #expect([UInt8]().withUnsafeBytes { DTLSRecordLayer.packDatagrams($0, maxDatagramSize: 1200) }.isEmpty)
    }
}
