import ArgumentParser
import ControlPlane
import DTLS
import Foundation
import LoadPeers
import LoadTest
import Logging
import NIOCore
import NIOPosix

/// `edgemesh loadtest`: simulated participants that join rooms through the
/// client protocol (or Janus's VideoRoom HTTP API) and send and receive real
/// SRTP; prints a progress line each second and a report at the end.
struct LoadTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loadtest",
        abstract: "Load-test a running EdgeMesh backend (or Janus) with simulated WebRTC participants.",
        discussion: "Scenarios: \(Scenario.allCases.map(\.rawValue).joined(separator: ", ")). See docs/loadtest.md.")

    @Option(help: "Backend base URL (EdgeMesh) or Janus HTTP API base URL (--target janus).")
    var url: String = "http://127.0.0.1:8080"
    @Option(help: "edgemesh or janus.") var target: String = "edgemesh"
    @Option(help: "Load shape: \(Scenario.allCases.map(\.rawValue).joined(separator: ", ")).")
    var scenario: String = Scenario.audioFanout.rawValue
    @Option(help: "Publishers (meeting scenarios: participants). Default per scenario.") var publishers: Int?
    @Option(help: "Subscribe-only participants. Default per scenario (0 in meetings).") var subscribers: Int?
    @Option(help: "Room name (EdgeMesh) or numeric room id (Janus).") var room: String?
    @Option(help: "Measurement window after everyone joined, seconds.") var duration: Double = 10
    @Option(name: .customLong("join-concurrency"), help: "Participants joining at once (0: all at once, a burst).")
    var joinConcurrency: Int = 0
    @Option(name: .customLong("join-timeout"), help: "Seconds to wait for joins before measuring anyway.")
    var joinTimeout: Double = 30
    @Option(name: .customLong("join-spread"), help: "late-joiners: seconds over which subscribers arrive.")
    var joinSpread: Double = 10
    @Option(help: "cross-region: comma-separated region ids (default: GET /v1/regions).") var regions: String?
    @Option(name: .customLong("token-secret"), help: "Mint tokens with this JWT secret instead of POST /v1/dev/token.")
    var tokenSecret: String?
    @Option(name: .customLong("video-kbps"), help: "Video bitrate per publisher, kbit/s.") var videoKbps: Int = 600
    @Option(name: .customLong("packet-size"), help: "Video RTP packet size, bytes.") var packetSize: Int = 1200
    @Option(name: .customLong("frame-rate"), help: "Video frames per second.") var frameRate: Int = 30
    @Option(name: .customLong("keyframe-interval"), help: "Frames between keyframes.") var keyframeInterval: Int = 300
    @Flag(inversion: .prefixedNo, help: "Publishers also send Opus-sized audio (50 packets/s).") var audio: Bool = true
    @Flag(help: "Video publishers send three simulcast layers like Chrome (rids q/h/f at 1/16, 1/4 and all of --video-kbps).")
    var simulcast = false
    @Option(help: "Subscribers' preferred simulcast layer: low, medium, high, or mix (spread over the three).")
    var quality: String?
    @Option(name: .customLong("sfu-pid"), help: "Comma-separated pids of the SFU processes whose CPU is reported.")
    var sfuPID: String?
    @Option(name: .customLong("sfu-process"), help: "Report the CPU of every process with this name (/proc/*/comm).")
    var sfuProcess: String?
    @Option(name: .customLong("bind-host"), help: "Address the simulated peers' UDP sockets bind to.")
    var bindHost: String = "127.0.0.1"
    @Option(help: "Event-loop threads for the simulated peers (default: cores).") var threads: Int?
    @Flag(help: "Print the report as JSON on stdout (progress goes to stderr).") var json = false
    @Flag(help: "No progress lines.") var quiet = false

    func run() async throws {
        guard let scenario = Scenario(rawValue: scenario) else {
            throw ValidationError("unknown --scenario \(self.scenario); use \(Scenario.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard duration > 0, joinTimeout > 0, joinConcurrency >= 0, videoKbps > 0, frameRate > 0, keyframeInterval > 0 else {
            throw ValidationError("--duration, --join-timeout, --video-kbps, --frame-rate, --keyframe-interval must be positive")
        }
        let qualityChoice = try quality.map { text throws(ValidationError) -> QualityChoice in
            guard let choice = QualityChoice(argument: text) else {
                throw ValidationError("unknown --quality \(text); use low, medium, high or mix")
            }
            return choice
        }
        if target == "janus", simulcast || qualityChoice != nil {
            throw ValidationError("--simulcast and --quality are EdgeMesh-only: the Janus driver publishes one layer")
        }
        if simulcast, scenario == .audioFanout {
            throw ValidationError("--simulcast needs a video scenario (audio-fanout publishes no video)")
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads ?? System.coreCount))
        let http = try HTTPClient(baseURL: url, group: group)
        let defaults = Self.defaults(for: scenario)
        let roomName = room ?? (target == "janus" ? "1234" : "loadtest-\(UInt32.random(in: 0...UInt32.max))")
        var regionList = regions.map { $0.split(separator: ",").map(String.init) } ?? []
        if scenario == .crossRegion, regionList.isEmpty {
            regionList = try await Self.fetchRegions(http)
        }
        var shape = LoadShape(
            scenario: scenario, room: roomName, publishers: publishers ?? defaults.publishers,
            subscribers: subscribers ?? defaults.subscribers, joinSpread: joinSpread, regions: regionList)
        shape.quality = qualityChoice
        var options = LoadTestOptions(shape: shape)
        options.duration = duration
        options.joinConcurrency = joinConcurrency
        options.joinTimeout = joinTimeout
        options.sfuPIDs = try sfuPIDs()

        let certificate = try DTLSCertificate.generate(commonName: "edgemesh-loadtest")
        var peer = PeerConfiguration()
        peer.bindHost = bindHost
        let peers = PeerFactory(
            group: group, context: try DTLSContext(certificate: certificate), peer: peer,
            publisher: try publisherConfiguration(scenario: scenario))
        var logger = Logger(label: "edgemesh.loadtest")
        logger.logLevel = .warning
        let driver: any SignalingDriver
        switch target {
        case "edgemesh":
            let tokens: TokenSource = try tokenSecret.map { .secret(TokenCodec(secret: try JWTSecret($0))) } ?? .devEndpoint(http)
            driver = EdgeMeshDriver(endpoint: http, tokens: tokens, logger: logger)
        case "janus":
            guard let roomID = UInt64(roomName) else { throw ValidationError("--room must be a number for Janus") }
            driver = JanusDriver(client: http, room: roomID)
        default:
            throw ValidationError("unknown --target \(target); use edgemesh or janus")
        }
        let quiet = self.quiet
        let report = await LoadTestRunner(options: options, driver: driver, peers: peers).run { line in
            guard !quiet else { return }
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.table)
        }
        // The event loops are left running: the process exits next, and late
        // callbacks of closed peers must not hit a shut-down loop.
    }

    private static func defaults(for scenario: Scenario) -> (publishers: Int, subscribers: Int) {
        switch scenario {
        case .audioFanout: (10, 100)
        case .videoFanout: (1, 10)
        case .videoMeeting: (5, 0)
        case .lateJoiners: (2, 20)
        case .crossRegion: (6, 0)
        }
    }

    private func publisherConfiguration(scenario: Scenario) throws -> PublisherConfiguration {
        var configuration = PublisherConfiguration()
        configuration.video.packetSize = packetSize
        configuration.video.frameRate = frameRate
        configuration.video.keyframeInterval = keyframeInterval
        let packetRate = max(1, Int((Double(videoKbps) * 1000 / 8 / Double(packetSize)).rounded()))
        configuration.packetRate = packetRate
        configuration.video.packetsPerFrame = max(1, Int((Double(packetRate) / Double(frameRate)).rounded()))
        configuration.framePacing = true
        configuration.maxBurst = max(configuration.maxBurst, configuration.video.packetsPerFrame * 2)
        configuration.audio = audio || scenario == .audioFanout
        configuration.sendsVideo = scenario != .audioFanout
        if simulcast, configuration.sendsVideo {
            configuration.simulcast = try SimulcastLayer.chromeLadder(
                topKbps: videoKbps, frameRate: frameRate, keyframeInterval: keyframeInterval, maxPacketSize: packetSize)
            let largestFrame = configuration.simulcast.map(\.video.packetsPerFrame).max() ?? 1
            configuration.maxBurst = max(configuration.maxBurst, largestFrame * 2)
        }
        // Frames (33 ms) and audio packets (20 ms) need no 1 ms pacer: fewer
        // wake-ups keep the load generator's own CPU down with many publishers.
        configuration.tick = configuration.sendsVideo ? .milliseconds(2) : .milliseconds(5)
        return configuration
    }

    private func sfuPIDs() throws -> [Int32] {
        var pids: [Int32] = []
        for item in (sfuPID ?? "").split(separator: ",") {
            guard let pid = Int32(item.trimmingCharacters(in: .whitespaces)), pid > 0 else {
                throw ValidationError("--sfu-pid \(item) is not a process id")
            }
            pids.append(pid)
        }
        if let sfuProcess { pids += ProcessFinder.pids(named: sfuProcess) }
        return pids
    }

    private static func fetchRegions(_ http: HTTPClient) async throws -> [String] {
        let (status, body) = try await http.request(method: .GET, path: "/v1/regions")
        guard status == 200, let list = (try? JSONValue.parse(Array(body.utf8)))?.arrayValue else {
            throw ValidationError("GET /v1/regions answered \(status); pass --regions")
        }
        return list.compactMap { $0.objectValue?["id"]?.stringValue }
    }
}
