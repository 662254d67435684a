import Synchronization

/// The messages waiting to be written to one client, drained by the
/// connection's writer task. Bounded: a client that does not read is closed
/// rather than allowed to grow the backend's memory.
struct Outbox: Sendable {
    /// Messages buffered per client before it counts as stuck.
    static let capacity = 4096

    let stream: AsyncStream<String>
    private let continuation: AsyncStream<String>.Continuation
    private let overflowed: @Sendable () -> Void

    init(onOverflow: @escaping @Sendable () -> Void) {
        (stream, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingOldest(Self.capacity))
        overflowed = onOverflow
    }

    func send(_ message: JSONValue) {
        if case .dropped = continuation.yield(message.serialized()) { overflowed() }
    }

    /// No more messages; the writer ends after the buffered ones.
    func finish() { continuation.finish() }
}
