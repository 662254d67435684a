import Testing
@testable import STUN

@Suite("STUNAddress text forms and RFC 7983 demultiplexing")
struct AddressAndDemuxTests {
    @Test(arguments: [
        ("192.0.2.1:32853", "192.0.2.1:32853", [192, 0, 2, 1] as [UInt8]),
        ("0.0.0.0:0", "0.0.0.0:0", [0, 0, 0, 0]),
        ("[2001:db8::1]:3478", "[2001:db8::1]:3478", hex("20010db8000000000000000000000001")),
        ("[2001:DB8:0:0:1:0:0:1]:1", "[2001:db8::1:0:0:1]:1", hex("20010db8000000000001000000000001")),
        ("[::]:9", "[::]:9", [UInt8](repeating: 0, count: 16)),
        ("[::1]:9", "[::1]:9", hex("00000000000000000000000000000001")),
        ("[1::]:9", "[1::]:9", hex("00010000000000000000000000000000")),
        ("[1:0:1:0:1:0:1:0]:9", "[1:0:1:0:1:0:1:0]:9", hex("00010000000100000001000000010000")),
        ("[2001:db8:1234:5678:11:2233:4455:6677]:32853", "[2001:db8:1234:5678:11:2233:4455:6677]:32853",
         hex("20010db8123456780011223344556677")),
    ])
    func parsesAndFormats(text: String, canonical: String, ipBytes: [UInt8]) throws {
        let address = try #require(STUNAddress(text))
        #expect(address.description == canonical)
        #expect(address.ipBytes == ipBytes)
        #expect(STUNAddress(ipBytes: ipBytes, port: address.port) == address)
    }

    @Test(arguments: [
        "", "1.2.3.4", "1.2.3.4:", "1.2.3:80", "1.2.3.4.5:80", "256.1.1.1:80", "1.2.3.4:65536", "1.2.3.4:+80",
        "+1.2.3.4:80", "[::1]", "[::1]80", "::1:80", "[1::2::3]:80", "[1:2:3:4:5:6:7:8:9]:80", "[12345::]:80",
        "[1:2:3:4:5:6:7]:80", "[g::]:80", "[:::]:1",
    ])
    func rejectsBadText(_ text: String) {
        #expect(STUNAddress(text) == nil)
    }

    @Test func ipBytesMustBe4Or16() {
        #expect(STUNAddress(ipBytes: [1, 2, 3], port: 1) == nil)
        #expect(STUNAddress(ipBytes: [1, 2, 3, 4], port: 1)?.family == .ipv4)
    }

    @Test(arguments: 0...255)
    func firstByteDemux(byte: Int) {
        #expect(STUNMessage.isSTUN(firstByte: UInt8(byte)) == (byte <= 3))
    }

    @Test func wholeMessageDemux() {
        #expect(STUNMessage.isSTUN(RFC5769Tests.request))
        #expect(!STUNMessage.isSTUN(Array(RFC5769Tests.request.dropLast())))
        var badCookie = RFC5769Tests.request
        badCookie[4] = 0
        #expect(!STUNMessage.isSTUN(badCookie))
        #expect(!STUNMessage.isSTUN(hex("16 fefd 0000 0000 0000 0000 0000 0000 0000 0000 00")))  // DTLS record
        #expect(!STUNMessage.isSTUN([0, 1]))
    }
}
