import Testing
@testable import STUN

@Suite("ICE USERNAME")
struct ICEUsernameTests {
    @Test(arguments: [
        ("evtj:h6vY", ICEUsername(localUfrag: "evtj", remoteUfrag: "h6vY")),
        ("a:b:c", ICEUsername(localUfrag: "a", remoteUfrag: "b:c")),
        ("ab+/:cd", ICEUsername(localUfrag: "ab+/", remoteUfrag: "cd")),
        // The colon and a combining mark form one Character; the split is still at the byte.
        ("ab:\u{301}cd", ICEUsername(localUfrag: "ab", remoteUfrag: "\u{301}cd")),
    ])
    func splits(text: String, expected: ICEUsername) {
        #expect(ICEUsername(text) == expected)
        #expect(ICEUsername(text)?.description == text)
    }

    @Test(arguments: ["", "abc", ":abc", "abc:", ":"])
    func rejects(_ text: String) {
        #expect(ICEUsername(text) == nil)
    }

    @Test func peeksRFC5769Request() {
        #expect(ICEUsername(peekingRequest: RFC5769Tests.request) == ICEUsername(localUfrag: "evtj", remoteUfrag: "h6vY"))
    }

    @Test func peekDoesNotNeedValidIntegrity() {
        var bytes = RFC5769Tests.request
        bytes[80] ^= 0xFF  // corrupt MESSAGE-INTEGRITY
        #expect(ICEUsername(peekingRequest: bytes)?.localUfrag == "evtj")
    }

    @Test(arguments: [
        RFC5769Tests.ipv4Response,                      // not a request
        Array(RFC5769Tests.request.dropLast()),         // truncated
        hex("0001 0000 2112a442 0102030405060708090a0b0c"),  // no USERNAME
        hex("0001 0008 2112a442 0102030405060708090a0b0c 0006 0003 616263 00"),  // no colon
        hex("0001 0008 2112a442 0102030405060708090a0b0c 0006 0003 61ff63 00"),  // not UTF-8
        hex("17 fefd 00000000 00000000 0000"),          // DTLS
    ])
    func peekRejects(_ bytes: [UInt8]) {
        #expect(ICEUsername(peekingRequest: bytes) == nil)
    }
}
