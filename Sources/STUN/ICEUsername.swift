/// The USERNAME of an ICE connectivity check: "receiverUfrag:senderUfrag" (RFC 8445 §7.2.2).
///
/// Seen by the agent receiving a check, the first part is its own (local) ufrag and
/// the second the peer's (remote) ufrag.
public struct ICEUsername: Hashable, Sendable, CustomStringConvertible {
    /// The ufrag of the agent receiving the check.
    public var localUfrag: String
    /// The ufrag of the agent sending the check.
    public var remoteUfrag: String

    /// A username from its parts.
    public init(localUfrag: String, remoteUfrag: String) {
        self.localUfrag = localUfrag
        self.remoteUfrag = remoteUfrag
    }

    /// Splits "local:remote" at the first colon; nil if there is none or either part is empty.
    /// (Ufrags are ice-chars, RFC 8445 §5.3, so they contain no colon.)
    public init?(_ username: String) {
        let utf8 = username.utf8
        guard let colon = utf8.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        // Slice the UTF-8 bytes, not Characters: a colon may start a grapheme cluster.
        let local = String(decoding: utf8[..<colon], as: UTF8.self)
        let remote = String(decoding: utf8[utf8.index(after: colon)...], as: UTF8.self)
        guard !local.isEmpty, !remote.isEmpty else { return nil }
        self.init(localUfrag: local, remoteUfrag: remote)
    }

    /// Reads the USERNAME of a Binding request without verifying anything else, so a UDP
    /// demultiplexer can route the first packet from a new address to the transport that
    /// owns `localUfrag`. That transport must still verify the message (``ICELiteResponder``
    /// does). Nil if `bytes` is not a well-formed Binding request with an ICE USERNAME.
    public init?(peekingRequest bytes: UnsafeRawBufferPointer) {
        guard let header = try? STUNHeader(validating: bytes), header.type == .bindingRequest else { return nil }
        var found: Range<Int>?
        try? STUNHeader.forEachAttribute(in: bytes) { raw in
            guard raw.type == .username else { return true }
            found = raw.value
            return false
        }
        guard let range = found, let text = String(validating: bytes.slice(range), as: UTF8.self) else {
            return nil
        }
        self.init(text)
    }

    /// Reads the USERNAME of a Binding request without verifying; see ``init(peekingRequest:)-(UnsafeRawBufferPointer)``.
    public init?(peekingRequest bytes: [UInt8]) {
        guard let username = bytes.withUnsafeBytes({ ICEUsername(peekingRequest: $0) }) else { return nil }
        self = username
    }

    /// "local:remote".
    public var description: String { localUfrag + ":" + remoteUfrag }
}
