/// Joins WebSocket data frames into messages (RFC 6455 §5.4 fragmentation)
/// and enforces the message size limit without buffering past it:
///
///     frame 1: FIN=0 opcode=text   payload …
///     frame 2: FIN=0 opcode=cont   payload …
///     frame 3: FIN=1 opcode=cont   payload …   → one text message
///
/// Pure: feed frames, get at most one outcome per frame.
public struct MessageAssembler: Sendable {
    public enum FrameKind: Sendable { case text, binary, continuation }

    public enum Outcome: Sendable, Equatable {
        /// A complete text message.
        case text([UInt8])
        /// A complete message over the limit (its bytes were discarded).
        case tooLarge(bytes: Int, limit: Int)
        /// A complete binary message (the protocol has none).
        case binary(bytes: Int)
        /// A continuation frame without a started message.
        case unexpectedContinuation
    }

    public let limit: Int
    private var buffer: [UInt8] = []
    private var size = 0
    private var isBinary = false
    private var inMessage = false

    public init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Adds one frame; returns the outcome when it ends a message.
    public mutating func add(kind: FrameKind, fin: Bool, payload: some Collection<UInt8>) -> Outcome? {
        switch kind {
        case .text, .binary:
            // A new data frame while one is open is a protocol error the WebSocket layer
            // already rejects; start over to be safe.
            buffer.removeAll(keepingCapacity: true)
            size = 0
            isBinary = kind == .binary
            inMessage = true
        case .continuation:
            guard inMessage else { return .unexpectedContinuation }
        }
        let (sum, overflow) = size.addingReportingOverflow(payload.count)
        size = overflow ? Int.max : sum
        if size <= limit, !isBinary { buffer.append(contentsOf: payload) } else { buffer.removeAll() }
        guard fin else { return nil }
        inMessage = false
        defer {
            buffer.removeAll(keepingCapacity: buffer.count <= 4096)
            size = 0
        }
        if isBinary { return .binary(bytes: size) }
        if size > limit { return .tooLarge(bytes: size, limit: limit) }
        return .text(buffer)
    }
}
