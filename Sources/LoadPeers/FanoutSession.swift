import DTLS
import NIOCore
import Synchronization

/// One publisher and N subscribers of its tracks in one room of one SFU:
/// the fan-out benchmark's set-up, reusable by tests and load tools.
public struct FanoutConfiguration: Sendable {
    /// Room name ([A-Za-z0-9._-]{1,128}).
    public var room: String = "fanout-" + ICECharacters.random(count: 6).filter { $0.isLetter || $0.isNumber }
    public var subscribers: Int = 10
    public var publisher = PublisherConfiguration()
    public var peer = PeerConfiguration()
    /// Subscribers unprotect one RTP packet in this many (see `LoadSubscriber.make`).
    public var decryptEvery: Int = 1
    /// Subscribers being signalled and connected at the same time.
    public var connectConcurrency: Int = 16
    /// Extra subscribers that connect over ICE-TCP and then stop reading
    /// (a slow client); they are left out of the measurement, which shows
    /// whether they cost the others anything.
    public var stalledTCPSubscribers: Int = 0

    public init() {}
}

/// The result of one measurement window.
public struct FanoutMeasurement: Sendable {
    /// Wall-clock length of the window, seconds.
    public var seconds: Double
    public var subscribers: Int
    /// Video + audio packets the publisher sent in the window.
    public var packetsPublished: UInt64
    public var publisher: PublisherStatistics
    /// Sum over subscribers and streams.
    public var packetsReceived: UInt64
    public var packetsExpected: UInt64
    public var packetsLost: UInt64
    public var duplicates: UInt64
    /// Packets that arrived looking older than the window (see `StreamReceiveStatistics.Totals.beforeWindow`).
    public var outOfWindow: UInt64
    public var bytesReceived: UInt64
    /// Fewest and most packets one subscriber received.
    public var minimumPerSubscriber: UInt64
    public var maximumPerSubscriber: UInt64
    /// Publisher send → subscriber receive (decrypted packets only), nanoseconds.
    public var latency: LatencyHistogram
    /// Publisher send → queued on the subscriber's socket (`SubscriberStatistics.socketLatency`).
    public var socketLatency = LatencyHistogram()
    public var srtpErrors: UInt64
    public var unknownSSRC: UInt64

    /// Packets per second the subscribers received (what the SFU forwarded and delivered).
    public var forwardedPacketsPerSecond: Double { seconds > 0 ? Double(packetsReceived) / seconds : 0 }
    /// Lost / expected, 0...1.
    public var lossFraction: Double { packetsExpected > 0 ? Double(packetsLost) / Double(packetsExpected) : 0 }
}

/// A connected publisher and its subscribers.
public final class FanoutSession: Sendable {
    public let configuration: FanoutConfiguration
    public let publisher: LoadPublisher
    public let subscribers: [LoadSubscriber]
    /// The ICE-TCP subscribers that stopped reading (not measured).
    public let stalled: [LoadSubscriber]
    public let trackIDs: [String]
    private let windowState = WindowState()

    private init(
        configuration: FanoutConfiguration, publisher: LoadPublisher, subscribers: [LoadSubscriber],
        stalled: [LoadSubscriber], trackIDs: [String]
    ) {
        self.configuration = configuration
        self.publisher = publisher
        self.subscribers = subscribers
        self.stalled = stalled
        self.trackIDs = trackIDs
    }

    /// Signals and connects one publisher and `configuration.subscribers`
    /// subscribers through `control`; returns when every peer has SRTP keys.
    /// Subscribers are spread over the loops of `group`; the publisher runs on
    /// `publisherLoop` (default: one of `group`'s). A loop of its own keeps
    /// its pacing steady while hundreds of subscribers on the other loop
    /// work through a fan-out: on a shared loop it falls behind and then
    /// sends the missed packets back to back, which the SFU has to queue.
    public static func connect(
        control: SFUControlClient, group: any EventLoopGroup, publisherLoop: (any EventLoop)? = nil,
        configuration: FanoutConfiguration
    ) async throws -> FanoutSession {
        guard configuration.subscribers >= 1, configuration.connectConcurrency >= 1 else {
            throw LoadPeersError.invalidConfiguration(name: "subscribers", value: "\(configuration.subscribers)")
        }
        let certificate = try DTLSCertificate.generate(commonName: "edgemesh-loadpeer")
        let context = try DTLSContext(certificate: certificate)
        let room = configuration.room
        let publisher = try await LoadPublisher.make(
            on: publisherLoop ?? group.next(), context: context, peer: configuration.peer, configuration: configuration.publisher)
        try await control.createParticipant(room: room, participant: "pub")
        let (answer, trackIDs) = try await control.publish(room: room, participant: "pub", offerSDP: publisher.offerSDP)
        try await publisher.connect(answerSDP: answer)
        guard !trackIDs.isEmpty else { throw LoadPeersError.signaling("publish created no track") }

        let subscribers = try await withThrowingTaskGroup(of: (Int, LoadSubscriber).self) { tasks in
            var result: [LoadSubscriber?] = Array(repeating: nil, count: configuration.subscribers)
            var next = 0
            func addNext() {
                let index = next
                next += 1
                let loop = group.next()
                tasks.addTask {
                    let subscriber = try await connectSubscriber(
                        name: "sub\(index)", room: room, trackIDs: trackIDs, control: control, loop: loop, context: context,
                        configuration: configuration)
                    return (index, subscriber)
                }
            }
            while next < min(configuration.connectConcurrency, configuration.subscribers) { addNext() }
            while let (index, subscriber) = try await tasks.next() {
                result[index] = subscriber
                if next < configuration.subscribers { addNext() }
            }
            return result.compactMap { $0 }
        }
        var stalled: [LoadSubscriber] = []
        var tcpConfiguration = configuration
        tcpConfiguration.peer.useTCP = true
        tcpConfiguration.peer.receiveBufferBytes = 16 * 1024
        for index in 0..<max(0, configuration.stalledTCPSubscribers) {
            let subscriber = try await connectSubscriber(
                name: "stall\(index)", room: room, trackIDs: trackIDs, control: control, loop: group.next(),
                context: context, configuration: tcpConfiguration)
            try await subscriber.stopReading()
            stalled.append(subscriber)
        }
        return FanoutSession(
            configuration: configuration, publisher: publisher, subscribers: subscribers, stalled: stalled, trackIDs: trackIDs)
    }

    private static func connectSubscriber(
        name: String, room: String, trackIDs: [String], control: SFUControlClient, loop: any EventLoop,
        context: DTLSContext, configuration: FanoutConfiguration
    ) async throws -> LoadSubscriber {
        let subscriber = try await LoadSubscriber.make(
            on: loop, context: context, peer: configuration.peer, decryptEvery: configuration.decryptEvery)
        try await control.createParticipant(room: room, participant: name)
        try await control.subscribe(room: room, participant: name, trackIDs: trackIDs)
        let offer = try await control.createSubscriberOffer(room: room, participant: name)
        let answer = try await subscriber.answer(offerSDP: offer)
        try await control.setSubscriberAnswer(room: room, participant: name, answerSDP: answer)
        try await subscriber.connect()
        return subscriber
    }

    /// Starts a measurement window on every peer.
    public func beginWindow() async throws {
        try await forEachSubscriber { try await $0.beginWindow() }
        let published = try await publisher.statistics()
        windowState.begin(published: published, at: MonotonicClock.nanoseconds())
    }

    /// Ends the window begun last and sums what every subscriber saw.
    public func endWindow() async throws -> FanoutMeasurement {
        let end = MonotonicClock.nanoseconds()
        let published = try await publisher.statistics()
        let snapshots = try await withThrowingTaskGroup(of: SubscriberStatistics.self) { tasks in
            for subscriber in subscribers { tasks.addTask { try await subscriber.statistics() } }
            var all: [SubscriberStatistics] = []
            for try await snapshot in tasks { all.append(snapshot) }
            return all
        }
        let (startPublished, start) = windowState.current
        var measurement = FanoutMeasurement(
            seconds: Double(end &- start) / 1e9, subscribers: subscribers.count,
            packetsPublished: (published.videoPacketsSent &+ published.audioPacketsSent)
                &- (startPublished.videoPacketsSent &+ startPublished.audioPacketsSent),
            publisher: published, packetsReceived: 0, packetsExpected: 0, packetsLost: 0, duplicates: 0,
            outOfWindow: 0, bytesReceived: 0, minimumPerSubscriber: .max, maximumPerSubscriber: 0, latency: LatencyHistogram(),
            srtpErrors: 0, unknownSSRC: 0)
        for snapshot in snapshots {
            let totals = StreamReceiveStatistics.total(snapshot.streams.values)
            measurement.packetsReceived += totals.received
            measurement.packetsExpected += totals.expected
            measurement.packetsLost += totals.lost
            measurement.duplicates += totals.duplicates
            measurement.outOfWindow += totals.beforeWindow
            measurement.bytesReceived += snapshot.streams.values.reduce(0) { $0 + $1.bytes }
            measurement.minimumPerSubscriber = min(measurement.minimumPerSubscriber, totals.received)
            measurement.maximumPerSubscriber = max(measurement.maximumPerSubscriber, totals.received)
            measurement.latency.merge(snapshot.latency)
            measurement.socketLatency.merge(snapshot.socketLatency)
            measurement.srtpErrors += snapshot.srtpErrors
            measurement.unknownSSRC += snapshot.unknownSSRC
        }
        if snapshots.isEmpty { measurement.minimumPerSubscriber = 0 }
        return measurement
    }

    /// Closes every peer's socket and, with `control`, the participants on the SFU.
    public func close(control: SFUControlClient?) async {
        try? await publisher.stopSending()
        await publisher.close()
        for subscriber in subscribers + stalled { await subscriber.close() }
        guard let control else { return }
        for index in stalled.indices {
            try? await control.closeParticipant(room: configuration.room, participant: "stall\(index)")
        }
        try? await control.closeParticipant(room: configuration.room, participant: "pub")
        for index in subscribers.indices {
            try? await control.closeParticipant(room: configuration.room, participant: "sub\(index)")
        }
    }

    private func forEachSubscriber(_ body: @escaping @Sendable (LoadSubscriber) async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for subscriber in subscribers { tasks.addTask { try await body(subscriber) } }
            try await tasks.waitForAll()
        }
    }
}

/// The publisher's counters and the time at the start of the current window.
private final class WindowState: Sendable {
    private let state = Mutex<(published: PublisherStatistics, start: UInt64)>((PublisherStatistics(), MonotonicClock.nanoseconds()))

    func begin(published: PublisherStatistics, at time: UInt64) {
        state.withLock { $0 = (published, time) }
    }

    var current: (PublisherStatistics, UInt64) {
        state.withLock { ($0.published, $0.start) }
    }
}
