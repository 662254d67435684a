import Testing
@testable import SDP

/// Inputs that broke, or would break, the parse → serialize → parse
/// invariant the fuzz harness checks; each is also in fuzz/regressions/SDP/.
@Suite("Round-trip regressions")
struct RegressionTests {
    static let head = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"

    /// The harness's check: re-parsing the serialization gives an equal
    /// description, and serializing again gives the same text.
    static func roundTrip(_ text: String) throws -> SessionDescription {
        let parsed = try SessionDescription(parsing: text)
        let written = parsed.serialize()
        let again = try SessionDescription(parsing: written)
        #expect(again == parsed)
        #expect(again.serialize() == written)
        return parsed
    }

    /// fuzz/regressions/SDP/combining-mark-after-space: " \u{301}" is one
    /// Swift Character, so a Character-based split would not split there
    /// again after serializing. Tokenizing works on Unicode scalars.
    @Test func combiningMarkAfterSpace() throws {
        let parsed = try Self.roundTrip(Self.head
            + "a=ice-options:trickle \u{301}x\r\na=group:BUNDLE 0 \u{301}1\r\nm=audio 9 RTP/AVP 0\r\na=ssrc:1 cname:\u{301}a b\r\n")
        #expect(parsed.iceOptions == ["trickle", "\u{301}x"])
        #expect(parsed.groups.first?.mids == ["0", "\u{301}1"])
        #expect(parsed.media[0].ssrcs.first?.value == "\u{301}a b")
    }

    /// fuzz/regressions/SDP/candidate-prefix-in-foundation: the SDP parser
    /// must not strip a `candidate:` prefix from the value (only the public
    /// trickle-string parser does), or the foundation would change on the
    /// second parse.
    @Test func candidatePrefixInFoundation() throws {
        let parsed = try Self.roundTrip(Self.head
            + "m=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=candidate:candidate:1 1 udp 1 1.2.3.4 9 typ host\r\n"
            + "a=candidate:a=candidate:2 1 udp 1 1.2.3.4 9 typ host\r\n")
        #expect(parsed.media[0].candidates.map(\.foundation) == ["candidate:1", "a=candidate:2"])
    }

    /// fuzz/regressions/SDP/carriage-returns-inside-lines: only one CR
    /// before the LF ends a line; other CRs are part of the value.
    @Test func carriageReturnsInsideLines() throws {
        let parsed = try Self.roundTrip("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=a\rb\r\r\nt=0 0\r\na=x-\r:\r\r\n")
        #expect(parsed.sessionName == "a\rb\r")
        #expect(parsed.attributes == [Attribute(name: "x-\r", value: "\r")])
    }

    /// fuzz/regressions/SDP/bundle-mid-with-space: a mid with a space would
    /// be written into `a=group:BUNDLE` and read back as two mids; mids must
    /// be tokens (RFC 5888 §4).
    @Test func bundleMidWithSpace() {
        #expect(throws: SDPError.invalidField(line: 7, field: "mid", value: "a b")) {
            try SessionDescription(parsing: Self.head + "a=group:BUNDLE a\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:a b\r\n")
        }
    }
}
