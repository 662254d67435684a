/// A room on this node (mediasoup's Router): the producers published here and
/// the consumers that subscribe to them. Confined to one event loop.
public final class Room {
    public let name: RoomName
    public private(set) var producers: [TrackID: Producer] = [:]
    public private(set) var consumers: [String: Consumer] = [:]
    public var speakers = ActiveSpeakerDetector<ParticipantID>()

    public init(name: RoomName) {
        self.name = name
    }

    public var isEmpty: Bool { producers.isEmpty && consumers.isEmpty }

    public func add(_ producer: Producer) {
        producers[producer.id] = producer
    }

    /// Closes a producer and every consumer of it; returns the closed consumers.
    @discardableResult
    public func removeProducer(_ id: TrackID) -> [Consumer] {
        guard let producer = producers.removeValue(forKey: id) else { return [] }
        let closed = producer.removeAllConsumers()
        for consumer in closed { consumers[consumer.id] = nil }
        if producer.kind == .audio { speakers.remove(producer.participant) }
        return closed
    }

    /// Attaches a consumer to its producer; the producer is asked for a keyframe.
    public func add(_ consumer: Consumer, nowNanoseconds: UInt64) {
        consumers[consumer.id] = consumer
        consumer.producer.add(consumer, nowNanoseconds: nowNanoseconds)
    }

    public func removeConsumer(_ id: String) {
        guard let consumer = consumers.removeValue(forKey: id) else { return }
        consumer.producer.remove(consumer)
    }

    /// Producers of one participant.
    public func producers(of participant: ParticipantID) -> [Producer] {
        producers.values.filter { $0.participant == participant }
    }

    /// Consumers of one subscriber.
    public func consumers(of subscriber: ParticipantID) -> [Consumer] {
        consumers.values.filter { $0.subscriber == subscriber }
    }
}
