/// A parsed session description (RFC 8866), as exchanged in WebRTC
/// offer/answer (RFC 8829, JSEP).
///
/// Attributes the WebRTC stack needs are typed fields; every other attribute
/// is kept in ``attributes`` in its original order, so
/// `SessionDescription(parsing: d.serialize()) == d` for every parsed `d`
/// (the fuzz harness checks exactly this).
///
/// ```
/// v=0                                      ← version
/// o=- 4611731400430051336 2 IN IP4 127.0.0.1 ← origin
/// s=-                                      ← sessionName
/// t=0 0                                    ← timings
/// a=group:BUNDLE 0 1                       ← groups
/// a=msid-semantic: WMS                     ← msidSemantic
/// m=audio 9 UDP/TLS/RTP/SAVPF 111          ← media[0]
/// ...
/// ```
public struct SessionDescription: Sendable, Hashable {
    /// `o=` (RFC 8866 §5.2).
    public var origin: Origin
    /// `s=` (RFC 8866 §5.3); WebRTC stacks write `-`.
    public var sessionName: String
    /// `i=` session information (RFC 8866 §5.4).
    public var information: String?
    /// `u=` (RFC 8866 §5.5).
    public var uri: String?
    /// `e=` lines (RFC 8866 §5.6).
    public var emails: [String]
    /// `p=` lines (RFC 8866 §5.6).
    public var phones: [String]
    /// Session-level `c=` (RFC 8866 §5.7).
    public var connection: ConnectionData?
    /// `b=` lines (RFC 8866 §5.8).
    public var bandwidths: [Bandwidth]
    /// `t=` lines, each with its `r=` lines (RFC 8866 §5.9, §5.10).
    public var timings: [Timing]
    /// `z=` (RFC 8866 §5.11), kept verbatim.
    public var timeZones: String?
    /// `k=` (RFC 8866 §5.12, obsolete), kept verbatim.
    public var encryptionKey: String?

    /// `a=group:` lines (RFC 5888), e.g. `BUNDLE 0 1` (RFC 9143).
    public var groups: [MediaGroup]
    /// `a=msid-semantic:` (draft-ietf-mmusic-msid; Chrome still writes it).
    public var msidSemantic: MSIDSemantic?
    /// `a=ice-lite` (RFC 8839 §5.3).
    public var iceLite: Bool
    /// Session-level `a=ice-ufrag`/`a=ice-pwd` (RFC 8839 §5.4).
    public var iceUfrag: String?
    public var icePwd: String?
    /// `a=ice-options:` tokens (RFC 8839 §5.6).
    public var iceOptions: [String]
    /// Session-level `a=fingerprint:` lines (RFC 8122 §5).
    public var fingerprints: [Fingerprint]
    /// Session-level `a=setup:` (RFC 4145 §4).
    public var setup: SetupRole?
    /// `a=extmap-allow-mixed` (RFC 8285 §6).
    public var extmapAllowMixed: Bool
    /// Session-level `a=extmap:` lines (RFC 8285 §5).
    public var extensions: [ExtensionMap]
    /// Session-level direction attribute (RFC 8866 §6.7), the default for
    /// every media section.
    public var direction: Direction?
    /// Any other session-level attribute, in order.
    public var attributes: [Attribute]

    /// The `m=` sections in order.
    public var media: [MediaDescription]

    /// A minimal description: `v=0`, the given origin, `s=-`, `t=0 0`.
    public init(origin: Origin, sessionName: String = "-", media: [MediaDescription] = []) {
        self.origin = origin
        self.sessionName = sessionName
        self.information = nil
        self.uri = nil
        self.emails = []
        self.phones = []
        self.connection = nil
        self.bandwidths = []
        self.timings = [Timing(start: 0, stop: 0)]
        self.timeZones = nil
        self.encryptionKey = nil
        self.groups = []
        self.msidSemantic = nil
        self.iceLite = false
        self.iceUfrag = nil
        self.icePwd = nil
        self.iceOptions = []
        self.fingerprints = []
        self.setup = nil
        self.extmapAllowMixed = false
        self.extensions = []
        self.direction = nil
        self.attributes = []
        self.media = media
    }

    /// The mids of the first `a=group:BUNDLE` line (RFC 9143), or `[]`.
    public var bundleMids: [String] {
        groups.first { Lex.same($0.semantics, "BUNDLE") }?.mids ?? []
    }

    /// The media section with the given `a=mid`, if any.
    public func media(withMid mid: String) -> MediaDescription? {
        media.first { $0.mid.map { Lex.same($0, mid) } ?? false }
    }
}

/// `o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>`
/// (RFC 8866 §5.2).
public struct Origin: Sendable, Hashable {
    public var username: String
    public var sessionID: UInt64
    public var sessionVersion: UInt64
    public var networkType: String
    public var addressType: String
    public var address: String

    public init(
        username: String = "-",
        sessionID: UInt64,
        sessionVersion: UInt64,
        networkType: String = "IN",
        addressType: String = "IP4",
        address: String = "127.0.0.1"
    ) {
        self.username = username
        self.sessionID = sessionID
        self.sessionVersion = sessionVersion
        self.networkType = networkType
        self.addressType = addressType
        self.address = address
    }
}

/// `c=<nettype> <addrtype> <connection-address>` (RFC 8866 §5.7). The
/// address is kept verbatim (it may carry `/ttl/count` for multicast).
public struct ConnectionData: Sendable, Hashable {
    public var networkType: String
    public var addressType: String
    public var address: String

    public init(networkType: String = "IN", addressType: String = "IP4", address: String) {
        self.networkType = networkType
        self.addressType = addressType
        self.address = address
    }

    /// `IN IP4 address` or `IN IP6 address`, chosen by the address's form.
    public init(address: String) {
        self.init(addressType: address.unicodeScalars.contains(":") ? "IP6" : "IP4", address: address)
    }
}

/// `b=<bwtype>:<bandwidth>` (RFC 8866 §5.8), e.g. `AS:2000` or `TIAS:1500000`.
public struct Bandwidth: Sendable, Hashable {
    public var type: String
    public var value: UInt64

    public init(type: String, value: UInt64) {
        self.type = type
        self.value = value
    }
}

/// `t=<start-time> <stop-time>` with its `r=` repeat lines kept verbatim
/// (RFC 8866 §5.9, §5.10). WebRTC always writes `t=0 0`.
public struct Timing: Sendable, Hashable {
    public var start: UInt64
    public var stop: UInt64
    public var repeats: [String]

    public init(start: UInt64, stop: UInt64, repeats: [String] = []) {
        self.start = start
        self.stop = stop
        self.repeats = repeats
    }
}

/// An attribute the model has no typed field for: `a=<name>` or
/// `a=<name>:<value>`, kept verbatim.
public struct Attribute: Sendable, Hashable {
    public var name: String
    /// `nil` for a property attribute (`a=name`), otherwise the text after the
    /// first colon (possibly empty).
    public var value: String?

    public init(name: String, value: String? = nil) {
        self.name = name
        self.value = value
    }
}
