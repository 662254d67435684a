import NIOCore

extension MediaEngine {
    /// One RFC 4571 frame from an ICE-TCP connection: the same RFC 7983
    /// demultiplexing as a UDP datagram. Once the connection is a transport's
    /// nominated path, it names the transport directly (no address lookup).
    func receive(_ bytes: UnsafeRawBufferPointer, on connection: TCPMediaConnection) {
        let path = MediaPath.tcp(connection)
        let nominated = connection.nominatedTransport
        switch Demultiplexer.classify(bytes) {
        case .stun: receiveSTUN(bytes, path: path, known: nominated)
        case .dtls: receiveDTLS(bytes, path: path, transport: nominated)
        case .rtp: receiveSRTP(bytes, transport: nominated, isRTCP: false)
        case .rtcp: receiveSRTP(bytes, transport: nominated, isRTCP: true)
        case .unknown: metrics.drop(.malformed)
        }
    }

    /// Sends a STUN or DTLS packet on `path` (framed on TCP).
    func send(_ datagram: [UInt8], via path: MediaPath) {
        switch path {
        case .udp(let address): send(datagram, to: address)
        case .tcp(let connection): connection.send(packet: datagram)
        }
    }

    /// Makes `path` the transport's selected path (RFC 8445 §7.3.1.5: media
    /// goes where the last nomination came from), forgetting the old one.
    func select(_ path: MediaPath, for transport: WebRTCTransport) {
        let old = transport.remotePath
        let changed = old != path
        transport.remotePath = path
        if let old, changed { release(old, of: transport) }
        switch path {
        case .udp(let address): transportsByAddress[address] = transport
        case .tcp(let connection): connection.nominatedTransport = transport
        }
        guard changed else { return }
        exportPathCounters(transport)
        transport.pathKind = pathKind(of: path)
        metrics.paths.selected[transport.pathKind.rawValue].increment()
    }

    /// Unhooks `path` from `transport` (closing a TCP connection: nothing else uses it).
    func release(_ path: MediaPath, of transport: WebRTCTransport) {
        switch path {
        case .udp(let address):
            if transportsByAddress[address] === transport { transportsByAddress[address] = nil }
        case .tcp(let connection):
            if connection.nominatedTransport === transport || connection.boundTransport === transport {
                connection.nominatedTransport = nil
                connection.boundTransport = nil
                closeTCP(connection, reason: .transportClosed)
            }
        }
    }

    /// Closes an ICE-TCP connection. A transport whose selected path it was
    /// sends nothing until the client nominates another path; if none comes,
    /// ICE consent expires and the transport fails (as a dead UDP path does).
    func closeTCP(_ connection: TCPMediaConnection, reason: TCPCloseReason) {
        guard !connection.isClosed else { return }
        let transport = connection.nominatedTransport
        connection.close(reason: reason)
        if let transport, transport.remotePath == .tcp(connection) {
            transport.remotePath = nil
        }
    }

    /// Adds what the transport counted since the last call to the per-path
    /// metrics of its current path kind. Called from the 250 ms tick, on a
    /// path change and on close, so the packet path itself only bumps plain
    /// integers on the transport (no atomics for the per-path split).
    func exportPathCounters(_ transport: WebRTCTransport) {
        let kind = transport.pathKind.rawValue
        let received = transport.srtpReceived &- transport.exported.received
        let sent = transport.packetsSent &- transport.exported.sent
        let bytes = transport.bytesSent &- transport.exported.bytes
        if received > 0 { metrics.paths.packetsReceived[kind].increment(by: received) }
        if sent > 0 { metrics.paths.packetsSent[kind].increment(by: sent) }
        if bytes > 0 { metrics.paths.bytesSent[kind].increment(by: bytes) }
        transport.exported = .init(received: transport.srtpReceived, sent: transport.packetsSent, bytes: transport.bytesSent)
    }

    private func pathKind(of path: MediaPath) -> PathKind {
        switch path {
        case .tcp: return .tcp
        case .udp(let address):
            guard !configuration.relayIPs.isEmpty, let ip = address.ipAddress else { return .udp }
            return configuration.relayIPs.contains(ip) ? .relay : .udp
        }
    }
}
