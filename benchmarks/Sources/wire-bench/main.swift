// wire-bench: per-packet cost of the RTP module's hot paths, in ns/op and
// heap allocations/op, measured with ContinuousClock and an interposed
// malloc counter. Prints a Markdown table and writes it to
// benchmarks/results/wire.md.
import CMallocCounter
import Foundation
import RTP

/// Keeps results observable so the optimizer cannot drop the work.
nonisolated(unsafe) var sink = 0

struct Measurement {
    let name: String
    let nanosecondsPerOp: Double
    let allocationsPerOp: Double
    let target: String
}

/// Runs `body(iterations)` (which loops `iterations` times itself) once to
/// warm up and then `rounds` times; reports the fastest round and the
/// allocations over all rounds.
func measure(_ name: String, target: String, iterations: Int = 2_000_000, rounds: Int = 7, _ body: (Int) -> Int) -> Measurement {
    sink &+= body(iterations / 10)
    var best = Duration.seconds(3600)
    var allocations: UInt64 = 0
    let clock = ContinuousClock()
    for _ in 0..<rounds {
        let before = malloc_counter_allocations()
        let start = clock.now
        let check = body(iterations)
        let elapsed = clock.now - start
        allocations += malloc_counter_allocations() - before
        sink &+= check
        best = min(best, elapsed)
    }
    let (seconds, attoseconds) = best.components
    let nanoseconds = Double(seconds) * 1e9 + Double(attoseconds) / 1e9
    return Measurement(
        name: name, nanosecondsPerOp: nanoseconds / Double(iterations),
        allocationsPerOp: Double(allocations) / Double(iterations * rounds), target: target)
}

/// An RTP packet as Chrome sends it, with three one-byte extensions
/// (audio level or mid, abs-send-time, transport-wide-cc) and `payload` bytes.
func rtpPacket(firstExtension: RTPHeaderExtension, payload: Int) -> [UInt8] {
    let packet = RTPPacket(
        header: RTPHeader(
            marker: true, payloadType: 111, sequenceNumber: 4711, timestamp: 123_456, ssrc: 0x1234_5678,
            extensions: .oneByte([
                firstExtension,
                .absSendTime(id: 2, AbsSendTime(rawValue: 0x0D1B5E)),
                .transportSequenceNumber(id: 3, 42),
            ])),
        payload: (0..<payload).map { UInt8(truncatingIfNeeded: $0) })
    do { return try packet.marshal() } catch { fatalError("cannot build packet: \(error)") }
}

func benchRewrite(_ name: String, packet: [UInt8], map: RTPExtensionIDMap, target: String) -> Measurement {
    var out = [UInt8](repeating: 0, count: 1500)
    return packet.withUnsafeBytes { input in
        out.withUnsafeMutableBytes { output in
            measure(name, target: target) { n in
                var check = 0
                for i in 0..<n {
                    do throws(RTPError) {
                        let view = try RTPHeaderView(parsing: input)
                        let rewrite = RTPRewrite(
                            ssrc: SSRC(0xABCD_0000 | UInt32(truncatingIfNeeded: i & 0xFF)),
                            sequenceNumber: UInt16(truncatingIfNeeded: i),
                            timestamp: UInt32(truncatingIfNeeded: i) &* 3000,
                            payloadType: 96, extensionIDs: map)
                        check &+= try view.rewrite(input, with: rewrite, into: output)
                    } catch {
                        check &-= 1
                    }
                }
                return check &+ Int(output[3])
            }
        }
    }
}

func benchRTCP(_ compound: [UInt8]) -> [Measurement] {
    compound.withUnsafeBytes { input in
        [
            measure("RTCP RR+NACK: RTCPCompound.parse → [RTCPPacket]", target: "≤ 200 ns") { n in
                var check = 0
                for _ in 0..<n {
                    do throws(RTPError) {
                        let packets = try RTCPCompound.parse(input)
                        check &+= packets.count
                    } catch {
                        check &-= 1
                    }
                }
                return check
            },
            measure("RTCP RR+NACK: RTCPCompoundReader.next() loop", target: "≤ 200 ns") { n in
                var check = 0
                for _ in 0..<n {
                    do throws(RTPError) {
                        var reader = RTCPCompoundReader(input)
                        while let packet = try reader.next() {
                            if case .genericNACK(let nack) = packet { check &+= nack.pairs.count } else { check &+= 1 }
                        }
                    } catch {
                        check &-= 1
                    }
                }
                return check
            },
            measure("RTCP RR+NACK: header-only scan (nextHeader)", target: "–") { n in
                var check = 0
                for _ in 0..<n {
                    do throws(RTPError) {
                        var reader = RTCPCompoundReader(input)
                        while let (header, _) = try reader.nextHeader() { check &+= Int(header.count) }
                    } catch {
                        check &-= 1
                    }
                }
                return check
            },
        ]
    }
}

func benchVP8() -> Measurement {
    let payload: [UInt8] = [0x90, 0xE0, 0x9C, 0x41, 0x07, 0x20, 0x50, 0x2A, 0x00, 0x9D, 0x01, 0x2A]
    return payload.withUnsafeBytes { input in
        measure("VP8 payload descriptor parse + keyframe check", target: "–") { n in
            var check = 0
            for _ in 0..<n {
                do throws(RTPError) {
                    let (d, size) = try VP8PayloadDescriptor.parse(input)
                    check &+= size &+ (d.isKeyframe ? 1 : 0)
                } catch {
                    check &-= 1
                }
            }
            return check
        }
    }
}

func shell(_ command: String) -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch { return "unknown" }
    process.waitUntilExit()
    let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    return trimmed.isEmpty ? "unknown" : trimmed
}

// MARK: - Run

let audio = rtpPacket(firstExtension: .audioLevel(id: 1, AudioLevel(level: 42, voiceActivity: true)), payload: 160)
let video = rtpPacket(firstExtension: .text(id: 4, "1"), payload: 1160)
let receiverReport = ReceiverReport(ssrc: 0x902F_9E2E, reports: [
    ReceptionReport(ssrc: 0xBC5E_9A40, fractionLost: 16, cumulativeLost: 12, extendedHighestSequenceNumber: 0x1_46E1,
                    jitter: 273, lastSenderReport: 0x09F3_6432, delaySinceLastSenderReport: 0x2_4A79),
])
let nack = GenericNACK(senderSSRC: 0x902F_9E2E, mediaSSRC: 0xBC5E_9A40, lost: [2731, 2732, 2740, 2746])
let compound: [UInt8]
do { compound = try RTCPCompound.marshal([.receiverReport(receiverReport), .genericNACK(nack)]) } catch {
    fatalError("cannot build RTCP: \(error)")
}
let remap: RTPExtensionIDMap
do { remap = try RTPExtensionIDMap([1: 5, 2: 3, 3: 1]) } catch { fatalError("\(error)") }

var results: [Measurement] = []
results.append(benchRewrite(
    "RTP parse + rewrite SSRC/seq/ts, 3 ext, 160 B audio (\(audio.count) B)", packet: audio, map: .identity,
    target: "≤ 50 ns, 0 allocs"))
results.append(benchRewrite(
    "RTP parse + rewrite SSRC/seq/ts, 3 ext, 1160 B video (\(video.count) B)", packet: video, map: .identity,
    target: "≤ 50 ns, 0 allocs"))
results.append(benchRewrite(
    "RTP parse + rewrite + remap ext ids, 160 B audio", packet: audio, map: remap, target: "≤ 50 ns, 0 allocs"))
results.append(contentsOf: benchRTCP(compound))
results.append(benchVP8())

func format(_ value: Double, digits: Int) -> String {
    String(format: "%.\(digits)f", value)
}

var table = "| benchmark | ns/op | allocs/op | target |\n|---|---:|---:|---|\n"
for r in results {
    table += "| \(r.name) | \(format(r.nanosecondsPerOp, digits: 1)) | \(format(r.allocationsPerOp, digits: 2)) | \(r.target) |\n"
}

let benchDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
let report = """
    # Wire-format benchmarks (`wire-bench`)

    - machine: \(shell("uname -m")), \(shell("nproc")) cores (\(shell("uname -sr")))
    - commit: \(shell("git -C '\(benchDirectory.path)' rev-parse --short HEAD"))
    - date: \(shell("date -u +%Y-%m-%dT%H:%M:%SZ"))
    - toolchain: \(shell("swift --version 2>/dev/null | head -1"))
    - build: `cd benchmarks && swift build -c release && .build/release/wire-bench`
    - method: ContinuousClock; each row loops 2,000,000 times per round, 7 rounds
      after a warm-up; ns/op is the fastest round; allocs/op counts malloc,
      calloc, realloc, posix_memalign and aligned_alloc over all rounds (an
      interposed allocator in `Sources/CMallocCounter`).

    \(table)
    """

print(report)
let resultsURL = benchDirectory.appendingPathComponent("results/wire.md")
do {
    try FileManager.default.createDirectory(
        at: resultsURL.deletingLastPathComponent(), withIntermediateDirectories: true)
    try report.write(to: resultsURL, atomically: true, encoding: .utf8)
    print("wrote \(resultsURL.path) (checksum \(sink & 0xFF))")
} catch {
    print("could not write \(resultsURL.path): \(error)")
}
