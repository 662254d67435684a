/// The reception status of one packet in transport-wide feedback
/// (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1.1).
public enum PacketStatusSymbol: UInt8, Sendable, Hashable {
    /// Not received (no delta).
    case notReceived = 0
    /// Received with a small delta: 1 byte, unsigned, 250 µs units.
    case receivedSmallDelta = 1
    /// Received with a large or negative delta: 2 bytes, signed, 250 µs units.
    case receivedLargeDelta = 2

    /// Bytes this symbol's receive delta takes.
    public var deltaSize: Int { Int(rawValue) }
}

/// One 16-bit packet status chunk, kept as its wire word.
///
/// Run length chunk (§3.1.3): T=0, a symbol, and a 13-bit run length:
///
///      0                   1
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |T| S |       Run Length        |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///
/// Status vector chunk (§3.1.4): T=1; S=0 holds fourteen 1-bit symbols
/// (0 not received, 1 small delta), S=1 seven 2-bit symbols:
///
///      0                   1
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |T|S|       symbol list         |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public struct PacketStatusChunk: RawRepresentable, Sendable, Hashable {
    /// The chunk's wire word.
    public let rawValue: UInt16

    /// Wraps a wire word.
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// A run of `count` (0...8191) packets with the same status.
    public static func runLength(_ symbol: PacketStatusSymbol, count: Int) throws(RTPError) -> PacketStatusChunk {
        guard (0...0x1FFF).contains(count) else { throw .invalidValue(.packetStatusChunk, value: count) }
        return PacketStatusChunk(rawValue: UInt16(symbol.rawValue) << 13 | UInt16(truncatingIfNeeded: count))
    }

    /// A status vector: 1-bit symbols when all fit and there are at most 14,
    /// else 2-bit symbols (at most 7). Unused slots are "not received".
    public static func vector(_ symbols: [PacketStatusSymbol]) throws(RTPError) -> PacketStatusChunk {
        if symbols.count <= 14 && !symbols.contains(.receivedLargeDelta) { return try oneBitVector(symbols) }
        return try twoBitVector(symbols)
    }

    /// A status vector of up to 14 one-bit symbols (no large deltas).
    public static func oneBitVector(_ symbols: [PacketStatusSymbol]) throws(RTPError) -> PacketStatusChunk {
        guard symbols.count <= 14 else { throw .tooManyItems(.packetStatusChunk, count: symbols.count, limit: 14) }
        var word: UInt16 = 0x8000
        for (i, s) in symbols.enumerated() {
            guard s != .receivedLargeDelta else { throw .invalidValue(.packetStatusChunk, value: Int(s.rawValue)) }
            word |= UInt16(s.rawValue) << (13 - i)
        }
        return PacketStatusChunk(rawValue: word)
    }

    /// A status vector of up to 7 two-bit symbols.
    public static func twoBitVector(_ symbols: [PacketStatusSymbol]) throws(RTPError) -> PacketStatusChunk {
        guard symbols.count <= 7 else { throw .tooManyItems(.packetStatusChunk, count: symbols.count, limit: 7) }
        var word: UInt16 = 0xC000
        for (i, s) in symbols.enumerated() { word |= UInt16(s.rawValue) << (12 - 2 * i) }
        return PacketStatusChunk(rawValue: word)
    }

    /// True for a run length chunk.
    public var isRunLength: Bool { rawValue & 0x8000 == 0 }

    /// Number of statuses the chunk holds: the run length, 14 or 7.
    public var symbolCount: Int {
        if isRunLength { return Int(rawValue & 0x1FFF) }
        return rawValue & 0x4000 == 0 ? 14 : 7
    }

    /// The raw 2-bit status at `index` (3 is reserved); caller keeps
    /// `index < symbolCount`.
    @inline(__always)
    func rawSymbol(at index: Int) -> UInt8 {
        if isRunLength { return UInt8(truncatingIfNeeded: rawValue >> 13) & 3 }
        if rawValue & 0x4000 == 0 { return UInt8(truncatingIfNeeded: rawValue >> (13 - index)) & 1 }
        return UInt8(truncatingIfNeeded: rawValue >> (12 - 2 * index)) & 3
    }

    /// The status at `index`, or `nil` if out of range or reserved.
    public func symbol(at index: Int) -> PacketStatusSymbol? {
        guard index >= 0, index < symbolCount else { return nil }
        return PacketStatusSymbol(rawValue: rawSymbol(at: index))
    }

    /// Calls `body` with each of the first `limit` statuses' raw value
    /// (run length chunks call it once with the run length).
    @inline(__always)
    func forEachRaw(limit: Int, _ body: (_ symbol: UInt8, _ repeats: Int) throws(RTPError) -> Void) throws(RTPError) {
        let n = min(symbolCount, limit)
        if isRunLength {
            if n > 0 { try body(rawSymbol(at: 0), n) }
            return
        }
        for i in 0..<n { try body(rawSymbol(at: i), 1) }
    }
}
