import ArgumentParser
import SDP

/// `edgemesh sdp ...`: session description tools for testing signaling by
/// hand and from the browser acceptance tests.
struct SDPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sdp",
        abstract: "Answer a publisher offer, print a subscriber offer, or summarize a description.",
        subcommands: [Answer.self, Offer.self, Inspect.self]
    )
}

extension SDPCommand {
    /// Reads an offer on stdin and prints the SFU's answer.
    struct Answer: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read a publisher offer on stdin; print the SFU's answer (throwaway ICE/DTLS identity)."
        )

        @Option(help: "Address of the host candidate.")
        var address = "127.0.0.1"

        @Option(help: "Port of the host candidate.")
        var port: UInt16 = 50000

        @Flag(help: "Also offer a passive TCP host candidate on the same port.")
        var tcp = false

        @Flag(help: "Disable simulcast in the answer.")
        var noSimulcast = false

        mutating func run() throws {
            let offer = try SessionDescription(parsing: readStandardInput())
            let answerer = PublisherAnswerer(configuration: .init(simulcast: !noSimulcast))
            let answer = try answerer.answer(
                to: offer, transport: throwawayTransport(address: address, port: port, tcp: tcp),
                origin: Origin(sessionID: UInt64.random(in: 1...(1 << 62)), sessionVersion: 1)
            )
            print(answer.description.serialize(), terminator: "")
        }
    }

    /// Prints a subscriber offer with fake audio/video tracks.
    struct Offer: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print an SFU subscriber offer with N audio and M video tracks.",
            discussion: """
                Each --renegotiate AUDIO,VIDEO prints a further offer on the same connection with that many \
                tracks (tracks are kept by index, extra ones removed); offers are separated by a line '--'.
                """
        )

        @Option(help: "Number of audio tracks.")
        var audio = 1

        @Option(help: "Number of video tracks.")
        var video = 1

        @Option(help: "A later offer's track counts, as AUDIO,VIDEO (repeatable).")
        var renegotiate: [String] = []

        @Option(help: "Address of the host candidate.")
        var address = "127.0.0.1"

        @Option(help: "Port of the host candidate.")
        var port: UInt16 = 50000

        mutating func run() throws {
            var steps = [(audio, video)]
            for step in renegotiate {
                let parts = step.split(separator: ",").map { Int($0) }
                guard parts.count == 2, let audio = parts[0], let video = parts[1], audio >= 0, video >= 0 else {
                    throw ValidationError("--renegotiate wants AUDIO,VIDEO, got '\(step)'")
                }
                steps.append((audio, video))
            }
            guard steps.allSatisfy({ $0.0 >= 0 && $0.1 >= 0 && $0.0 <= 64 && $0.1 <= 64 }) else {
                throw ValidationError("track counts must be 0...64")
            }
            var offerer = SubscriberOfferer(
                sessionID: UInt64.random(in: 1...(1 << 62)),
                transport: throwawayTransport(address: address, port: port, tcp: false)
            )
            let base = UInt32.random(in: 1...(1 << 30))
            for (index, (audioCount, videoCount)) in steps.enumerated() {
                if index > 0 { print("--") }
                let tracks = (0..<audioCount).map { Self.track(kind: .audio, index: $0, base: base) }
                    + (0..<videoCount).map { Self.track(kind: .video, index: $0, base: base) }
                print(try offerer.offer(for: tracks).description.serialize(), terminator: "")
            }
        }

        static func track(kind: MediaKind, index: Int, base: UInt32) -> OutgoingTrack {
            let isVideo = kind == .video
            let ssrc = base &+ UInt32(truncatingIfNeeded: index * 4) &+ (isVideo ? 2048 : 0)
            return OutgoingTrack(
                trackID: "\(kind.rawValue)\(index)", streamID: "stream\(index)", kind: kind,
                codec: isVideo ? .vp8() : .opus(), ssrc: ssrc, rtxSSRC: isVideo ? ssrc &+ 1 : nil,
                cname: "edgemesh"
            )
        }
    }

    /// Prints what the SFU reads from a description.
    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Summarize the description on stdin.")

        mutating func run() throws {
            let summary = try SessionDescription(parsing: readStandardInput()).summary()
            print("bundle: \(summary.bundleGroups) ice-lite: \(summary.iceLite)")
            for media in summary.media {
                let codecs = media.codecs.map { "\($0.name)/\($0.payloadType)" + ($0.rtxPayloadType.map { "+rtx/\($0)" } ?? "") }
                print("[\(media.index)] mid=\(media.mid ?? "-") \(media.kind) \(media.direction)"
                    + (media.isRejected ? " rejected" : "") + " codecs=\(codecs.joined(separator: ","))")
                if !media.rids.isEmpty { print("    rids: \(media.rids.map { "\($0.id) \($0.direction)" })") }
                for stream in media.streams {
                    print("    ssrc \(stream.ssrc)" + (stream.rtxSSRC.map { " rtx \($0)" } ?? "")
                        + " cname \(stream.cname ?? "-")")
                }
            }
        }
    }
}

private func readStandardInput() -> String {
    var text = ""
    while let line = readLine(strippingNewline: false) { text += line }
    return text
}

/// A random ICE/DTLS identity: enough for a browser to accept the
/// description (no DTLS handshake can succeed against it).
private func throwawayTransport(address: String, port: UInt16, tcp: Bool) -> TransportParameters {
    let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    func random(_ count: Int) -> String { String((0..<count).map { _ in alphabet.randomElement() ?? "x" }) }
    var candidates = [ICECandidate.host(address: address, port: port)]
    if tcp { candidates.append(.host(address: address, port: port, transport: .tcp)) }
    return TransportParameters(
        credentials: ICECredentials(ufrag: random(8), pwd: random(24)),
        fingerprint: Fingerprint(hashFunction: "sha-256", bytes: (0..<32).map { _ in UInt8.random(in: 0...255) }),
        candidates: candidates
    )
}
