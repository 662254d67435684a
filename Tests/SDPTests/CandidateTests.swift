import Testing
import SDP

@Suite("ICE candidates (RFC 8839 §5.1, RFC 6544)")
struct CandidateTests {
    struct Case: CustomStringConvertible, Sendable {
        let text: String
        let candidate: ICECandidate
        var description: String { text }
    }

    static let cases: [Case] = [
        // Chromium host UDP with webrtc extensions.
        Case(text: "candidate:324474897 1 udp 2122260223 127.0.0.1 45171 typ host generation 0 network-id 1 network-cost 50",
             candidate: ICECandidate(
                foundation: "324474897", transport: .udp, priority: 2_122_260_223, address: "127.0.0.1", port: 45171,
                type: .host, extensions: [
                    CandidateExtension(name: "generation", value: "0"), CandidateExtension(name: "network-id", value: "1"),
                    CandidateExtension(name: "network-cost", value: "50"),
                ])),
        // Chromium TCP active with the discard port.
        Case(text: "candidate:3992833157 1 tcp 1518280447 127.0.0.1 9 typ host tcptype active generation 0",
             candidate: ICECandidate(
                foundation: "3992833157", transport: .tcp, priority: 1_518_280_447, address: "127.0.0.1", port: 9,
                type: .host, tcpType: .active, extensions: [CandidateExtension(name: "generation", value: "0")])),
        // aiortc: hex foundation, nothing after the type.
        Case(text: "candidate:16572de626da4e5384a0ce2d0d93678a 1 udp 2130706431 127.0.0.1 59853 typ host",
             candidate: ICECandidate(
                foundation: "16572de626da4e5384a0ce2d0d93678a", transport: .udp, priority: 2_130_706_431,
                address: "127.0.0.1", port: 59853, type: .host)),
        // Server reflexive with related address (RFC 8839 §5.1 example form), upper-case UDP as Firefox writes.
        Case(text: "candidate:2 1 UDP 1694498815 192.0.2.3 45664 typ srflx raddr 10.0.1.1 rport 8998",
             candidate: ICECandidate(
                foundation: "2", transport: .udp, priority: 1_694_498_815, address: "192.0.2.3", port: 45664,
                type: .serverReflexive, relatedAddress: "10.0.1.1", relatedPort: 8998)),
        // Relay over IPv6, component 2.
        Case(text: "candidate:7 2 udp 41885695 2001:db8::7 3478 typ relay raddr 2001:db8::1 rport 0",
             candidate: ICECandidate(
                foundation: "7", component: 2, transport: .udp, priority: 41_885_695, address: "2001:db8::7", port: 3478,
                type: .relay, relatedAddress: "2001:db8::1", relatedPort: 0)),
        // mDNS host name, as browsers hide local addresses.
        Case(text: "candidate:1 1 udp 2113937151 4a0e3f7c-9b0e-4c52-8a0e-3c1f3b1e6e1d.local 54321 typ host",
             candidate: ICECandidate(
                foundation: "1", transport: .udp, priority: 2_113_937_151,
                address: "4a0e3f7c-9b0e-4c52-8a0e-3c1f3b1e6e1d.local", port: 54321, type: .host)),
    ]

    @Test(arguments: cases)
    func parses(_ testCase: Case) throws {
        let parsed = try ICECandidate(parsing: testCase.text)
        #expect(parsed == testCase.candidate)
        #expect(try ICECandidate(parsing: parsed.candidateString) == parsed)
        // Also as an SDP line and without the prefix.
        #expect(try ICECandidate(parsing: "a=" + testCase.text) == parsed)
        #expect(try ICECandidate(parsing: parsed.attributeValue) == parsed)
    }

    @Test func serializesInCanonicalOrder() throws {
        let parsed = try ICECandidate(parsing: "candidate:1 1 tcp 5 1.2.3.4 9 typ host generation 0 tcptype passive")
        #expect(parsed.candidateString == "candidate:1 1 tcp 5 1.2.3.4 9 typ host tcptype passive generation 0")
    }

    /// RFC 8445 §5.1.2.1: priority = 2^24·type pref + 2^8·local pref + (256 − component).
    @Test func hostCandidatePriority() {
        let udp = ICECandidate.host(address: "203.0.113.7", port: 3478)
        #expect(udp.priority == 2_130_706_431)  // 126<<24 | 65535<<8 | 255
        #expect(udp.candidateString == "candidate:1 1 udp 2130706431 203.0.113.7 3478 typ host")
        let tcp = ICECandidate.host(address: "203.0.113.7", port: 443, transport: .tcp)
        #expect(tcp.tcpType == .passive)
        #expect(tcp.priority < udp.priority)
        #expect(tcp.candidateString == "candidate:2 1 tcp \(tcp.priority) 203.0.113.7 443 typ host tcptype passive")
    }

    @Test(arguments: [
        "", "candidate:", "candidate:1 1 udp 1 1.2.3.4", "candidate:1 x udp 1 1.2.3.4 9 typ host",
        "candidate:1 1 udp 1 1.2.3.4 9 typ", "candidate:1 1 udp -1 1.2.3.4 9 typ host",
        "candidate:1 1 udp 1 1.2.3.4 99999 typ host", "candidate:1 1 udp 1 1.2.3.4 9 typ host raddr",
        "candidate:1 1 udp 1 1.2.3.4 9 typ srflx raddr 1.1.1.1 rport x",
    ])
    func rejects(_ text: String) {
        #expect(throws: SDPError.self) { try ICECandidate(parsing: text) }
    }
}

@Suite struct TransportParametersValidationTests {
    private func parameters(_ address: String) -> TransportParameters {
        TransportParameters(
            credentials: ICECredentials(ufrag: "abcd", pwd: "0123456789012345678901"),
            fingerprint: Fingerprint(hashFunction: "sha-256", bytes: [1, 2, 3]),
            candidates: [ICECandidate.host(address: address, port: 4000)])
    }

    @Test(arguments: ["127.0.0.1", "::1", "2001:db8::7", "sfu.example.net"])
    func connectionAddressesValidate(address: String) throws {
        try parameters(address).validate()
    }

    @Test(arguments: ["", "1.2.3.4 typ relay", "a\r\nb", "[::1]"])
    func addressesThatWouldBreakTheLineAreRejected(address: String) {
        #expect(throws: SDPError.self) { try parameters(address).validate() }
    }
}
