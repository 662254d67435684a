import Dispatch
import Foundation

/// Runs `body` until SIGINT or SIGTERM arrives, then cancels it and waits
/// for it to finish (services close their sockets on cancellation).
func runUntilSignal(_ body: @escaping @Sendable () async throws -> Void) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await body() }
        group.addTask {
            await waitForTerminationSignal()
            throw CancellationError()
        }
        do {
            try await group.next()
        } catch is CancellationError {
            // A signal: fall through to cancel the service.
        }
        group.cancelAll()
        while let result = await group.nextResult() {
            if case .failure(let error) = result, !(error is CancellationError) { throw error }
        }
    }
}

private func waitForTerminationSignal() async {
    let (stream, continuation) = AsyncStream<Int32>.makeStream()
    var sources: [any DispatchSourceSignal] = []
    for sig in [SIGINT, SIGTERM] {
        signal(sig, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
        source.setEventHandler { continuation.yield(sig) }
        source.resume()
        sources.append(source)
    }
    for await _ in stream { break }
    for source in sources { source.cancel() }
}
