import NIOCore

/// Answers a refused WebSocket upgrade with our own response.
///
/// HummingbirdWebSocket answers every refused upgrade with an empty
/// `400 Bad Request`; PROTOCOL.md wants `401` with the error body. This
/// handler sits first in the pipeline (next to the socket), replaces the
/// first bytes written with `response`, and swallows the rest of that
/// answer, so the client sees exactly one well-formed response.
final class UpgradeRejectionHandler: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    private var response: ByteBuffer?

    init(response: ByteBuffer) {
        self.response = response
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if let response {
            self.response = nil
            context.write(wrapOutboundOut(.byteBuffer(response)), promise: promise)
        } else {
            promise?.succeed(())
        }
    }

    /// An HTTP/1.1 response with a JSON body that closes the connection.
    static func response(status: Int, reason: String, body: String) -> ByteBuffer {
        let head = "HTTP/1.1 \(status) \(reason)\r\ncontent-type: application/json\r\n"
            + "content-length: \(body.utf8.count)\r\nconnection: close\r\n\r\n"
        return ByteBuffer(string: head + body)
    }

    /// Installs the handler on `channel` (before the refused upgrade is answered).
    static func install(on channel: any Channel, response: ByteBuffer) async throws {
        try await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.addHandler(UpgradeRejectionHandler(response: response), position: .first)
        }.get()
    }
}
