import Coordination

/// Subscriptions to tracks published on other nodes (edge mesh): the
/// track's owner (the publisher's backend) relays it to this participant's
/// node, then the session subscribes as for a local track.
extension ParticipantSession {
    /// Asks the owners of `tracks` (published on other nodes) to relay them to this node.
    func requestRelay(_ tracks: [TrackRecord], quality: TrackQuality, ref: String?) async {
        for track in tracks where awaitingRelay[track.id] == nil {
            awaitingRelay[track.id] = (quality, ref)
            do {
                try await services.coordinator.publish(
                    MeshSignal.need(track: track.id, node: NodeID(nodeID), member: participantID, needed: true)
                        .event(room: room, origin: services.instanceID))
            } catch {
                awaitingRelay[track.id] = nil
                metrics.redisErrors.increment()
                sendError(.internal, "asking for track \(track.id.rawValue) failed", ref: ref)
            }
        }
    }

    /// `relay_ready` for this node: subscribe, or tell the client why the track cannot reach it.
    func relayReady(_ id: MediaTrackID, error: String?) async {
        guard let (quality, ref) = awaitingRelay.removeValue(forKey: id) else { return }
        guard let track = knownTracks[id] else { return }
        if let error {
            sendError(.crossNodeUnsupported,
                      "track \(id.rawValue) is published on SFU node \(track.node.rawValue) (region \(track.region.rawValue)) "
                          + "and cannot be relayed to node \(nodeID): \(error)", ref: ref)
            await releaseRelays([track])
            return
        }
        guard !subscribed.contains(id) else { return }
        await subscribe([track], quality: quality, ref: ref, relayed: true)
    }

    /// Tells the owners that this participant no longer needs these tracks of other nodes on its node.
    func releaseRelays(_ tracks: [TrackRecord]) async {
        for track in tracks where track.node.rawValue != nodeID {
            awaitingRelay[track.id] = nil
            do {
                try await services.coordinator.publish(
                    MeshSignal.need(track: track.id, node: NodeID(nodeID), member: participantID, needed: false)
                        .event(room: room, origin: services.instanceID))
            } catch {
                metrics.redisErrors.increment()
            }
        }
    }
}
