import Synchronization
import Coordination
import Foundation
import Logging
import Trunk

/// Errors of the node's mesh set-up (credential files, registry address).
public enum NodeMeshError: Error, CustomStringConvertible {
    case unreadableFile(path: String, reason: String)
    case invalidCredential(path: String, reason: String)
    case mismatch(String)
    case invalidRedisAddress(String)

    public var description: String {
        switch self {
        case .unreadableFile(let path, let reason): "cannot read \(path): \(reason)"
        case .invalidCredential(let path, let reason): "MESH_CREDENTIAL \(path): \(reason)"
        case .mismatch(let reason): reason
        case .invalidRedisAddress(let reason): "REDIS_ADDR: \(reason)"
        }
    }
}

enum NodeMesh {
    /// The node's trunk identity from `MESH_CREDENTIAL` and its key file:
    /// the credential must verify against the mesh key its file names, be
    /// valid now, and match the node id and region.
    static func loadIdentity(_ configuration: NodeConfiguration) throws(NodeMeshError) -> MeshNodeIdentity? {
        guard let credentialPath = configuration.meshCredentialPath,
              let keyPath = configuration.resolvedMeshNodeKeyPath
        else { return nil }
        let credentialText = try read(credentialPath)
        let keyText = try read(keyPath)
        let identity: MeshNodeIdentity
        do {
            identity = try MeshNodeIdentity(credentialFile: credentialText, keyFile: keyText)
            try identity.credential.verifyValidity(nowUnixSeconds: TrunkTime.now().unixSeconds)
        } catch {
            throw .invalidCredential(path: credentialPath, reason: "\(error)")
        }
        guard identity.nodeID.rawValue == configuration.nodeID else {
            throw .mismatch("MESH_CREDENTIAL is for node \(identity.nodeID), but NODE_ID is \(configuration.nodeID)")
        }
        guard identity.regionID.rawValue == configuration.region else {
            throw .mismatch("MESH_CREDENTIAL is for region \(identity.regionID), but REGION is \(configuration.region)")
        }
        return identity
    }

    private static func read(_ path: String) throws(NodeMeshError) -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadableFile(path: path, reason: error.localizedDescription)
        }
    }

    /// `host:port`, with brackets for IPv6.
    static func hostPort(_ host: String, _ port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// What the node announces in the registry.
    static func record(
        _ configuration: NodeConfiguration, identity: MeshNodeIdentity?, grpcPort: Int, rtcPort: Int, trunkPort: Int?
    ) -> NodeRecord {
        let host = configuration.candidateAddress
        return NodeRecord(
            id: NodeID(configuration.nodeID), region: RegionID(configuration.region),
            grpcAddress: hostPort(host, grpcPort), rtcAddress: hostPort(host, rtcPort),
            trunkAddress: trunkPort.map { hostPort(host, $0) } ?? "",
            trunkPublicKey: identity?.credential.staticPublicKey ?? [],
            credential: identity.map { TrunkBase64.encode($0.encodedCredential) } ?? "")
    }

    /// Registers the node, renews its lease every `renewInterval` with its
    /// load, and hands the registry's nodes to the trunk plane; deregisters
    /// when cancelled.
    static func runRegistration(
        coordinator: any Coordinator, record: NodeRecord, engine: MediaEngine, drain: NodeDrain, interval: Duration,
        stopped: ShutdownFlag, logger: Logger
    ) async {
        var record = record
        var registered = false
        var lastError: String?
        while !Task.isCancelled, !stopped.isSet {
            do {
                // A drain changes the record itself (not just the load): announce it anew.
                if drain.isDraining != record.draining {
                    record.draining = drain.isDraining
                    registered = false
                }
                if registered {
                    let load = try await engine.eventLoop.submit { engine.load() }.get()
                    if try await !coordinator.renew(record.id, load: load) { registered = false }
                }
                if !registered {
                    try await coordinator.register(record)
                    registered = true
                }
                let nodes = try await coordinator.healthyNodes()
                engine.eventLoop.execute { engine.updateTrunkPeers(nodes) }
                lastError = nil
            } catch {
                let text = "\(error)"
                if text != lastError { logger.warning("registry unavailable", metadata: ["error": "\(text)"]) }
                lastError = text
            }
            // Sleep the interval in short steps so a node that shut down
            // (drain complete) deregisters within 100 ms.
            var slept: Duration = .zero
            while slept < interval, !stopped.isSet {
                do {
                    try await Task.sleep(for: .milliseconds(100))
                } catch {
                    break
                }
                slept += .milliseconds(100)
            }
        }
        let id = record.id
        // Cancellation must not cut the goodbye short.
        await Task.detached { try? await coordinator.deregister(id) }.value
    }
}

extension MediaEngine {
    /// What the node reports with each lease renewal.
    func load() -> NodeLoad {
        NodeLoad(participants: participants.count, tracks: rooms.values.reduce(0) { $0 + $1.producers.count })
    }
}

/// Set once when the node shuts down, read by its background loops.
final class ShutdownFlag: Sendable {
    private let value = Mutex(false)

    var isSet: Bool { value.withLock { $0 } }

    func set() { value.withLock { $0 = true } }
}
