/// A certificate fingerprint as carried in SDP (RFC 8122 §5).
///
/// ```
/// attribute              =/ fingerprint-attribute
/// fingerprint-attribute  =  "fingerprint" ":" hash-func SP fingerprint
/// hash-func              =  "sha-1" / "sha-224" / "sha-256" /
///                           "sha-384" / "sha-512" /
///                           "md5" / "md2" / token
/// fingerprint            =  2UHEX *(":" 2UHEX)
///                           ; Each byte in upper-case hex, separated
///                           ; by colons.
/// UHEX                   =  DIGIT / %x41-46 ; A-F uppercase
/// ```
///
/// Only the SHA-2 hash functions WebRTC peers use are supported: Chromium
/// sends sha-256; aiortc sends sha-256, sha-384 and sha-512.
public struct DTLSFingerprint: Sendable, Hashable, CustomStringConvertible {
    /// A hash function from the RFC 8122 hash-func registry.
    public enum Algorithm: String, Sendable, CaseIterable, Comparable {
        case sha256 = "sha-256"
        case sha384 = "sha-384"
        case sha512 = "sha-512"

        /// The digest length in bytes.
        public var digestLength: Int {
            switch self {
            case .sha256: 32
            case .sha384: 48
            case .sha512: 64
            }
        }

        /// Strength order used to pick the preferred algorithm (RFC 8122 §5).
        public static func < (lhs: Self, rhs: Self) -> Bool {
            lhs.digestLength < rhs.digestLength
        }

        /// Parses a hash-func token; hash-func names are case-insensitive.
        public init(sdpName: some StringProtocol) throws(DTLSError) {
            guard let algorithm = Algorithm(rawValue: sdpName.lowercased()) else {
                throw .unsupportedFingerprintAlgorithm(String(sdpName.prefix(32)))
            }
            self = algorithm
        }
    }

    /// The hash function.
    public let algorithm: Algorithm
    /// The digest of the certificate's DER encoding.
    public let bytes: [UInt8]

    /// A fingerprint from a digest; the length must match the algorithm.
    public init(algorithm: Algorithm, bytes: [UInt8]) throws(DTLSError) {
        guard bytes.count == algorithm.digestLength else {
            throw .invalidFingerprint(
                reason: "\(algorithm.rawValue) digest has \(bytes.count) bytes, expected \(algorithm.digestLength)")
        }
        self.algorithm = algorithm
        self.bytes = bytes
    }

    /// Parses the value of an `a=fingerprint:` attribute, e.g.
    /// `sha-256 AB:CD:...` (lowercase hex is accepted as well).
    public init(sdpValue: some StringProtocol) throws(DTLSError) {
        let trimmed = sdpValue.trimmingSDPWhitespace()
        guard let space = trimmed.firstIndex(where: { $0 == " " || $0 == "\t" }) else {
            throw .invalidFingerprint(reason: "missing space between hash function and fingerprint")
        }
        let algorithm = try Algorithm(sdpName: trimmed[trimmed.startIndex..<space])
        let hex = trimmed[space...].trimmingSDPWhitespace()
        let bytes = try Self.parseColonHex(hex, expectedCount: algorithm.digestLength)
        try self.init(algorithm: algorithm, bytes: bytes)
    }

    /// The fingerprint in RFC 8122 form: uppercase hex pairs joined by colons.
    public var hexString: String {
        let digits = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 3)
        for (index, byte) in bytes.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ":")) }
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The full attribute value, `sha-256 AB:CD:...`.
    public var sdpValue: String {
        "\(algorithm.rawValue) \(hexString)"
    }

    public var description: String { sdpValue }

    /// Parses `2HEX *(":" 2HEX)` into exactly `expectedCount` bytes.
    private static func parseColonHex(_ text: Substring, expectedCount: Int) throws(DTLSError) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(expectedCount)
        let utf8 = Array(text.utf8)
        var index = 0
        while index < utf8.count {
            guard index + 1 < utf8.count,
                  let high = hexValue(utf8[index]), let low = hexValue(utf8[index + 1])
            else {
                throw .invalidFingerprint(reason: "expected two hex digits at offset \(index)")
            }
            bytes.append(high << 4 | low)
            guard bytes.count <= expectedCount else {
                throw .invalidFingerprint(reason: "more than \(expectedCount) bytes")
            }
            index += 2
            if index < utf8.count {
                guard utf8[index] == UInt8(ascii: ":"), index + 1 < utf8.count else {
                    throw .invalidFingerprint(reason: "expected ':' between bytes at offset \(index)")
                }
                index += 1
            }
        }
        guard bytes.count == expectedCount else {
            throw .invalidFingerprint(reason: "\(bytes.count) bytes, expected \(expectedCount)")
        }
        return bytes
    }

    private static func hexValue(_ ascii: UInt8) -> UInt8? {
        switch ascii {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): ascii - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): ascii - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): ascii - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}

extension StringProtocol {
    fileprivate func trimmingSDPWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0.isWhitespace }
        let sub = self[...]
        guard let first = sub.firstIndex(where: { !isSpace($0) }),
              let last = sub.lastIndex(where: { !isSpace($0) })
        else { return Substring("") }
        return Substring(sub[first...last])
    }
}
