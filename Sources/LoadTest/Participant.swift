import ControlPlane
import DTLS
import LoadPeers
import NIOCore
import Synchronization
import WSCore

/// What one simulated participant does.
public struct ParticipantPlan: Sendable, Hashable {
    /// Unique identity in the room (the token's `sub`).
    public var identity: String
    public var room: String
    /// Publishes (audio, video or both, as the publisher configuration says).
    public var publishes: Bool
    /// Subscribes to every track in the room (`auto_subscribe=true`).
    public var subscribes: Bool
    /// `rtt` query parameter (`us-west:5,eu-central:80`), to steer placement.
    public var rttHint: String?
    /// Seconds after its phase starts at which the participant joins.
    public var startDelay: Double = 0
    /// Preferred simulcast layer: the participant subscribes track by track
    /// (`subscribe` with `quality`) instead of `auto_subscribe=true`.
    public var quality: TrackQuality?

    public init(identity: String, room: String, publishes: Bool, subscribes: Bool, rttHint: String? = nil, startDelay: Double = 0) {
        self.identity = identity
        self.room = room
        self.publishes = publishes
        self.subscribes = subscribes
        self.rttHint = rttHint
        self.startDelay = startDelay
    }
}

/// The live state of one participant, shared by its driver task and the runner.
public final class ParticipantHandle: Sendable {
    /// Mutable state, under a lock.
    public struct State: Sendable {
        /// `MonotonicClock` time the WebSocket (or the first Janus request) was started.
        public var startedAt: UInt64?
        /// Time `joined` arrived.
        public var joinedAt: UInt64?
        public var node: String?
        public var region: String?
        public var publisher: LoadPublisher?
        public var subscriber: LoadSubscriber?
        public var publisherConnected = false
        public var subscriberConnected = false
        /// Time the subscriber's DTLS handshake completed (SRTP keyed).
        public var subscriberConnectedAt: UInt64?
        /// Set when the participant has ended (left or failed).
        public var finished = false
        /// The first thing that went wrong.
        public var failure: String?
        /// Errors the server sent.
        public var serverErrors: [String] = []
        /// How to ask the participant to leave.
        public var leave: (@Sendable () async -> Void)?
    }

    public let plan: ParticipantPlan
    private let state = Mutex(State())

    public init(plan: ParticipantPlan) { self.plan = plan }

    /// A copy of the state.
    public var snapshot: State { state.withLock { $0 } }

    /// Changes the state under the lock.
    public func update(_ body: (inout State) -> Void) {
        state.withLock { body(&$0) }
    }

    /// Records the first failure.
    public func fail(_ reason: String) {
        state.withLock { if $0.failure == nil { $0.failure = reason } }
    }
}

/// Makes the simulated peers of every participant (shared DTLS certificate,
/// loops spread over one group).
public struct PeerFactory: Sendable {
    public let group: any EventLoopGroup
    public let context: DTLSContext
    public var peer: PeerConfiguration
    public var publisher: PublisherConfiguration

    public init(group: any EventLoopGroup, context: DTLSContext, peer: PeerConfiguration, publisher: PublisherConfiguration) {
        self.group = group
        self.context = context
        self.peer = peer
        self.publisher = publisher
    }

    public func makePublisher() async throws -> LoadPublisher {
        try await LoadPublisher.make(on: group.next(), context: context, peer: peer, configuration: publisher)
    }

    public func makeSubscriber() async throws -> LoadSubscriber {
        try await LoadSubscriber.make(on: group.next(), context: context, peer: peer)
    }
}

/// Signals a participant into a room of some SFU (EdgeMesh's backend over
/// WebSocket, or Janus's HTTP API) and connects its peers.
public protocol SignalingDriver: Sendable {
    /// A short name for reports (`edgemesh`, `janus`).
    var name: String { get }
    /// Runs the participant until it leaves or fails; records everything in `handle`.
    func run(_ handle: ParticipantHandle, peers: PeerFactory) async
}
