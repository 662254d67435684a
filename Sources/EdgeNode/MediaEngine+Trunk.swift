import Coordination
import NIOCore
import SFU
import Trunk

extension MediaEngine {
    // MARK: receiving

    /// One datagram from the trunk port. It is opened in place in the trunk
    /// scratch buffer; nothing reaches the media plane unless the endpoint
    /// authenticated it (every other outcome is a counted drop).
    func receiveTrunk(_ bytes: UnsafeRawBufferPointer, from address: SocketAddress) {
        guard let trunk else { return }
        let arrival = clock.now
        guard bytes.count <= trunk.scratch.count, bytes.count > 0 else {
            trunk.metrics.drop(.malformed)
            return
        }
        let buffer = UnsafeMutableRawBufferPointer(rebasing: trunk.scratch[0..<bytes.count])
        buffer.copyMemory(from: bytes)
        let now = TrunkTime.now()
        let (peer, result) = trunk.endpoint.receiveInPlace(buffer, now: now)
        let dropped = result.actions.contains { if case .drop = $0 { true } else { false } }
        if let peer, !dropped, let link = trunk.peers[peer] ?? admittedLink(peer, trunk: trunk) {
            // Authenticated (or an accepted handshake message): this is where the peer is now.
            if link.address != address { link.address = address }
            link.receivedPackets.increment()
            link.receivedBytes.increment(by: UInt64(bytes.count))
        }
        if !result.actions.isEmpty { handleTrunkActions(result.actions, peer: peer, now: now) }
        if let header = result.dataHeader, let peer {
            receiveTrunkData(
                UnsafeRawBufferPointer(rebasing: trunk.scratch[result.payload]), header: header, from: peer,
                arrivalNanoseconds: arrival)
        }
    }

    /// An authenticated data frame's packet: RTP for a relayed producer, or RTCP (the publisher's sender report).
    private func receiveTrunkData(
        _ payload: UnsafeRawBufferPointer, header: TrunkDataHeader, from peer: MeshNodeID, arrivalNanoseconds: UInt64
    ) {
        switch header.kind {
        case .rtp: receiveRelayed(payload, header: header, from: peer, arrivalNanoseconds: arrivalNanoseconds)
        case .rtcp: receiveRelayedRTCP(payload, header: header, from: peer)
        }
    }

    /// A node the endpoint admitted from its handshake (not known from the registry yet).
    private func admittedLink(_ id: MeshNodeID, trunk: TrunkLink) -> TrunkPeerLink? {
        guard let remote = trunk.endpoint.peer(id)?.remote else { return nil }
        return trunk.link(id, region: remote.regionID.rawValue)
    }

    func handleTrunkActions(_ actions: [TrunkAction], peer: MeshNodeID?, now: TrunkTime) {
        guard let trunk else { return }
        let link = peer.flatMap { trunk.peers[$0] }
        for action in actions {
            switch action {
            case .send(let bytes):
                if let link { trunk.send(bytes, to: link) }
            case .deliver(.control(let messages)):
                if let peer { handleTrunkControl(messages, from: peer) }
            case .deliver(.data(let frame)):
                if let peer {
                    frame.payload.withUnsafeBytes {
                        receiveTrunkData($0, header: frame.header, from: peer, arrivalNanoseconds: clock.now)
                    }
                }
            case .established:
                guard let peer, let link else { continue }
                link.established = true
                logger.info("trunk up", metadata: ["node": "\(configuration.nodeID)", "peer": "\(peer)", "region": "\(link.region)"])
                events.publish(.trunkChanged(peer: peer.rawValue, established: true))
                resubscribeRelays(upstream: peer)
            case .peerDown:
                guard let peer else { continue }
                trunkDown(peer)
            case .measurement(let measurement):
                link?.record(measurement)
            case .rekeyed(let keyID):
                logger.debug("trunk re-keyed", metadata: ["peer": "\(peer?.rawValue ?? "?")", "key": "\(keyID)"])
            case .drop(let reason, let cause):
                trunk.metrics.drop(reason)
                logger.trace("trunk drop", metadata: ["reason": "\(reason.metricLabel)", "cause": "\(cause)"])
            }
        }
        trunk.flush()
    }

    private func trunkDown(_ peer: MeshNodeID) {
        guard let link = trunk?.peers[peer], link.established else { return }
        link.established = false
        logger.info("trunk down", metadata: ["node": "\(configuration.nodeID)", "peer": "\(peer)"])
        events.publish(.trunkChanged(peer: peer.rawValue, established: false))
        removeSinks(of: peer)
    }

    // MARK: timers and the registry

    /// The trunk timer: handshakes, pings, liveness (TrunkEndpoint.tick).
    func trunkTick() {
        guard let trunk else { return }
        let now = TrunkTime.now()
        let events = trunk.endpoint.tick(now: now)
        var byPeer: [MeshNodeID?: [TrunkAction]] = [:]
        var order: [MeshNodeID?] = []
        for event in events {
            if byPeer[event.peer] == nil { order.append(event.peer) }
            byPeer[event.peer, default: []].append(event.action)
        }
        for peer in order { handleTrunkActions(byPeer[peer] ?? [], peer: peer, now: now) }
    }

    /// The nodes of the registry: new ones become trunk peers (when their
    /// credential verifies against the mesh key), changed credentials are
    /// taken, nodes that left are forgotten. This node is skipped.
    func updateTrunkPeers(_ records: [NodeRecord]) {
        guard let trunk else { return }
        let now = TrunkTime.now()
        var present = Set<MeshNodeID>()
        for record in records where record.id.rawValue != trunk.identity.nodeID.rawValue {
            guard !record.credential.isEmpty, let id = MeshNodeID(rawValue: record.id.rawValue) else { continue }
            let credential: MeshCredential
            do {
                credential = try MeshCredential.decode(TrunkBase64.decode(record.credential))
            } catch {
                rejectOnce(record, reason: "undecodable credential: \(error)", trunk: trunk)
                continue
            }
            guard credential.nodeID == id else {
                rejectOnce(record, reason: "credential of \(credential.nodeID) in the record of \(id)", trunk: trunk)
                continue
            }
            let actions: [TrunkEvent]
            do {
                actions = try trunk.endpoint.addPeer(credential, now: now)
            } catch {
                rejectOnce(record, reason: "\(error)", trunk: trunk)
                if case .credentialExpired = error { removeTrunkPeer(id) }
                continue
            }
            present.insert(id)
            trunk.rejectedCredentials[record.id.rawValue] = nil
            let link = trunk.link(id, region: credential.regionID.rawValue)
            link.fromRegistry = true
            if let address = Self.socketAddress(record.trunkAddress), link.address == nil || !link.established {
                link.address = address
            }
            if !actions.isEmpty { handleTrunkActions(actions.map(\.action), peer: id, now: now) }
        }
        for (id, link) in trunk.peers where link.fromRegistry && !present.contains(id) {
            removeTrunkPeer(id)
        }
        metricsRelayedTracks()
    }

    private func removeTrunkPeer(_ id: MeshNodeID) {
        guard let trunk else { return }
        trunkDown(id)
        trunk.endpoint.removePeer(id)
        trunk.peers[id] = nil
        removeSinks(of: id)
    }

    private func rejectOnce(_ record: NodeRecord, reason: String, trunk: TrunkLink) {
        guard trunk.rejectedCredentials[record.id.rawValue] != reason else { return }
        trunk.rejectedCredentials[record.id.rawValue] = reason
        logger.warning("registry node not trusted for trunks", metadata: ["peer": "\(record.id)", "reason": "\(reason)"])
    }

    /// `host:port` (IPv6 as `[host]:port`).
    static func socketAddress(_ text: String) -> SocketAddress? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (1...65535).contains(port)
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return try? SocketAddress(ipAddress: host, port: port)
    }
}

extension MediaEngine {
    /// The trunk timer on the media loop: the endpoint's timers every tick,
    /// relay upkeep every 250 ms. A node without trunk peers ticks every
    /// 250 ms only (a peer appearing waits at most that long for its first
    /// handshake); one with peers at `interval`.
    func startTrunkTimer(interval: Duration) {
        let nanoseconds = max(10_000_000, Int64(clamping: interval.components.seconds) * 1_000_000_000
            + interval.components.attoseconds / 1_000_000_000)
        scheduleTrunkTick(interval: nanoseconds, lastUpkeep: 0)
    }

    private func scheduleTrunkTick(interval: Int64, lastUpkeep: UInt64) {
        let idle = (trunk?.endpoint.peerIDs.isEmpty ?? true) && relays.pulls.isEmpty && relays.sinks.isEmpty
        let delay = idle ? max(interval, 250_000_000) : interval
        eventLoop.scheduleTask(in: .nanoseconds(delay)) { [weak self] in
            guard let self, trunk != nil else { return }
            trunkTick()
            let now = clock.now
            var upkeep = lastUpkeep
            if now &- upkeep >= 250_000_000 {
                upkeep = now
                maintainRelays(nowNanoseconds: now)
            }
            flush()
            scheduleTrunkTick(interval: interval, lastUpkeep: upkeep)
        }
    }

    /// Sequence numbers a subscriber NACKed that a relayed track's cache lacks go upstream.
    func forwardMissing(_ missing: [UInt16], of consumer: Consumer) {
        guard let pull = consumer.producer.feedback as? RelayPull, let layer = consumer.currentLayer,
              consumer.producer.layers.indices.contains(layer), let ssrc = consumer.producer.layers[layer].ssrc
        else { return }
        pull.requestRetransmission(mediaSSRC: ssrc, sequenceNumbers: missing)
    }
}
