import NIOCore
import NIOHTTP1
import NIOPosix

/// A minimal HTTP/1.1 client for JSON APIs on loopback or a private
/// namespace (dev tokens, Janus's REST API): one request per connection,
/// `Connection: close`, the whole body collected. No TLS.
public struct HTTPClient: Sendable {
    public let host: String
    public let port: Int
    public let group: any EventLoopGroup
    /// A request that takes longer fails with `LoadTestError.http`.
    public var timeout: TimeAmount = .seconds(40)

    public init(host: String, port: Int, group: any EventLoopGroup) {
        self.host = host
        self.port = port
        self.group = group
    }

    /// Parses `http://host:port` (path ignored) into a client.
    public init(baseURL: String, group: any EventLoopGroup) throws(LoadTestError) {
        let endpoint = try HTTPEndpoint(url: baseURL)
        self.init(host: endpoint.host, port: endpoint.port, group: group)
    }

    /// Sends one request; returns the status code and body text.
    public func request(method: HTTPMethod, path: String, body: String? = nil) async throws -> (status: Int, body: String) {
        let promise = group.next().makePromise(of: (Int, String).self)
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(.seconds(5))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(ResponseCollector(promise: promise))
                }
            }
            .connect(host: host, port: port)
            .get()
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
        head.headers.add(name: "Host", value: "\(host):\(port)")
        head.headers.add(name: "Connection", value: "close")
        let bytes = Array((body ?? "").utf8)
        if body != nil {
            head.headers.add(name: "Content-Type", value: "application/json")
        }
        head.headers.add(name: "Content-Length", value: "\(bytes.count)")
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        if !bytes.isEmpty {
            channel.write(HTTPClientRequestPart.body(.byteBuffer(channel.allocator.buffer(bytes: bytes))), promise: nil)
        }
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        let timeout = channel.eventLoop.scheduleTask(in: timeout) {
            promise.fail(LoadTestError.http("\(method) \(path): no response in time"))
            channel.close(promise: nil)
        }
        defer { timeout.cancel() }
        let (status, text) = try await promise.futureResult.get()
        return (status, text)
    }
}

/// `http://host:port[/…]` split into its parts.
struct HTTPEndpoint: Sendable, Hashable {
    var host: String
    var port: Int

    init(url: String) throws(LoadTestError) {
        var rest = Substring(url)
        if rest.hasPrefix("http://") { rest = rest.dropFirst(7) } else if rest.hasPrefix("ws://") { rest = rest.dropFirst(5) }
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        guard let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]),
              (1...65535).contains(port), colon > rest.startIndex
        else {
            throw .invalidOption(name: "url", value: url, reason: "expected http://host:port")
        }
        host = String(rest[..<colon])
        self.port = port
    }
}

/// Collects one response; completes the promise at its end or on close.
private final class ResponseCollector: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart
    private let promise: EventLoopPromise<(Int, String)>
    private var status = 0
    private var body: [UInt8] = []

    init(promise: EventLoopPromise<(Int, String)>) { self.promise = promise }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = Int(head.status.code)
        case .body(let buffer):
            if body.count < 4 << 20 { body.append(contentsOf: buffer.readableBytesView) }
        case .end:
            promise.succeed((status, String(decoding: body, as: UTF8.self)))
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(LoadTestError.http("connection closed before the response ended"))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(LoadTestError.http("\(error)"))
        context.close(promise: nil)
    }
}
