import Foundation
import SDP

/// The captured offers in Fixtures/ (regenerate with
/// Tests/integration/capture_offers.py).
enum Fixture: String, CaseIterable, CustomStringConvertible {
    case chromiumSimulcast = "chromium_simulcast"
    case chromiumAudioVideo = "chromium_audio_video"
    case chromiumDataChannel = "chromium_datachannel"
    case aiortcAudioVideo = "aiortc_audio_video"
    /// Answers to the SFU subscriber offer in capture_offers.py.
    case chromiumSubscriberAnswer = "chromium_subscriber_answer"
    case aiortcSubscriberAnswer = "aiortc_subscriber_answer"

    /// The publisher offers.
    static let offers: [Fixture] = [.chromiumSimulcast, .chromiumAudioVideo, .chromiumDataChannel, .aiortcAudioVideo]

    var description: String { rawValue }

    var text: String {
        get throws {
            guard let url = Bundle.module.url(forResource: rawValue, withExtension: "sdp", subdirectory: "Fixtures")
            else { throw FixtureMissing(name: rawValue) }
            return try String(contentsOf: url, encoding: .utf8)
        }
    }

    var parsed: SessionDescription {
        get throws { try SessionDescription(parsing: text) }
    }
}

struct FixtureMissing: Error {
    let name: String
}

/// Joins lines with CRLF (and a final CRLF), as SDP is written.
func sdp(_ lines: String...) -> String {
    lines.map { $0 + "\r\n" }.joined()
}

/// Minimal valid session header lines.
let header = ["v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "t=0 0"]

func sdp(_ lines: [String]) -> String {
    lines.map { $0 + "\r\n" }.joined()
}

/// Transport parameters used by the builder tests.
let serverTransport = TransportParameters(
    credentials: ICECredentials(ufrag: "srvU", pwd: "serverpasswordserverpw"),
    fingerprint: Fingerprint(hashFunction: "sha-256", bytes: Array(0..<32)),
    candidates: [
        .host(address: "127.0.0.1", port: 40000),
        .host(address: "127.0.0.1", port: 40001, transport: .tcp),
    ]
)

let answerOrigin = Origin(sessionID: 42, sessionVersion: 1)

/// The text lines (without CRLF) of a serialized description.
func lines(of description: SessionDescription) -> [String] {
    description.serialize().components(separatedBy: "\r\n").filter { !$0.isEmpty }
}
