import ArgumentParser
import Foundation
import SRTP

/// `edgemesh-bench srtp`: SRTP protect/unprotect cost per packet, the
/// OpenSSL AEAD implementation and libsrtp side by side in one run, with as
/// many live sessions as an SFU has subscribers (libsrtp on NSS slows down
/// as sessions accumulate).
struct SRTPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "srtp", abstract: "SRTP cost per packet: OpenSSL AEAD against libsrtp, with N live sessions.")

    @Option(help: "Comma-separated numbers of live sessions (subscribers), packets go round-robin over them.")
    var sessions: String = "1,100,500"
    @Option(help: "RTP packet size in bytes (header included).") var size: Int = 1200
    @Option(help: "Packets per measurement.") var packets: Int = 200_000
    @Flag(help: "Print JSON lines instead of a table.") var json = false

    func run() throws {
        let counts = sessions.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !counts.isEmpty, counts.allSatisfy({ $0 > 0 }), size >= 12, size <= 1400, packets > 0 else {
            throw ValidationError("--sessions must list positive counts; --size 12...1400; --packets > 0")
        }
        if !json { print("profile              impl      sessions  protect ns/pkt  unprotect ns/pkt") }
        for profile in [SRTPProtectionProfile.aeadAES128GCM, .aeadAES256GCM, .aes128CMHMACSHA1_80] {
            for implementation in [SRTPSession.AEADImplementation.libsrtp, .openSSL] {
                if !profile.isAEAD && implementation == .openSSL { continue }
                for count in counts {
                    let result = try measure(profile: profile, implementation: implementation, sessions: count)
                    let name = implementation == .openSSL ? "openssl" : "libsrtp"
                    if json {
                        print("{\"profile\":\"\(profile)\",\"impl\":\"\(name)\",\"sessions\":\(count),"
                            + "\"protect_ns\":\(Int(result.protect)),\"unprotect_ns\":\(Int(result.unprotect))}")
                    } else {
                        print(String(format: "%-20@ %-9@ %8d %15.0f %17.0f", "\(profile)", name, count, result.protect, result.unprotect))
                    }
                }
            }
        }
    }

    private func measure(
        profile: SRTPProtectionProfile, implementation: SRTPSession.AEADImplementation, sessions count: Int
    ) throws -> (protect: Double, unprotect: Double) {
        var configuration = SRTPSession.Configuration()
        configuration.aeadImplementation = implementation
        var senders: [SRTPSession] = []
        var receivers: [SRTPSession] = []
        for index in 0..<count {
            let key = (0..<profile.masterKeyLength).map { UInt8(truncatingIfNeeded: $0 &+ index) }
            let salt = (0..<profile.masterSaltLength).map { UInt8(truncatingIfNeeded: $0 &* 3 &+ index) }
            senders.append(try SRTPSession(profile: profile, masterKey: key, masterSalt: salt, direction: .outbound,
                                           configuration: configuration))
            receivers.append(try SRTPSession(profile: profile, masterKey: key, masterSalt: salt, direction: .inbound,
                                             configuration: configuration))
        }
        var storage = [UInt8](repeating: 0x5A, count: size + SRTPSession.maxRTCPTrailer)
        // One protected copy per session, for the unprotect loop (each at its own sequence number).
        let rounds = max(1, packets / count)
        var protectNanoseconds: UInt64 = 0
        var unprotectNanoseconds: UInt64 = 0
        var protectedCount = 0
        var unprotectedCount = 0
        var lengths = [Int](repeating: 0, count: count)
        var copies: [[UInt8]] = Array(repeating: [], count: count)
        try storage.withUnsafeMutableBytes { buffer in
            for round in 0..<rounds {
                let sequence = UInt16(truncatingIfNeeded: round)
                // Every 16th round keeps the protected packets for an unprotect pass (not timed as protect).
                let sampling = round % 16 == 0
                let start = DispatchTime.now().uptimeNanoseconds
                for index in 0..<count {
                    writeHeader(buffer, sequence: sequence, ssrc: UInt32(index + 1))
                    lengths[index] = try senders[index].protectRTP(buffer: buffer, length: size)
                    if sampling { copies[index] = Array(buffer.prefix(lengths[index])) }
                }
                if !sampling {
                    protectNanoseconds += DispatchTime.now().uptimeNanoseconds - start
                    protectedCount += count
                    continue
                }
                let unprotectStart = DispatchTime.now().uptimeNanoseconds
                for index in 0..<count {
                    copies[index].withUnsafeBytes { source in
                        UnsafeMutableRawBufferPointer(rebasing: buffer[0..<source.count]).copyMemory(from: source)
                    }
                    _ = try receivers[index].unprotectRTP(buffer: buffer, length: lengths[index])
                }
                unprotectNanoseconds += DispatchTime.now().uptimeNanoseconds - unprotectStart
                unprotectedCount += count
            }
        }
        return (Double(protectNanoseconds) / Double(max(protectedCount, 1)),
                Double(unprotectNanoseconds) / Double(max(unprotectedCount, 1)))
    }
    private func writeHeader(_ buffer: UnsafeMutableRawBufferPointer, sequence: UInt16, ssrc: UInt32) {
        let header: [UInt8] = [0x80, 96, UInt8(sequence >> 8), UInt8(sequence & 0xFF), 0, 0, 0, 0,
                               UInt8(ssrc >> 24), UInt8((ssrc >> 16) & 0xFF), UInt8((ssrc >> 8) & 0xFF), UInt8(ssrc & 0xFF)]
        for index in 0..<12 { buffer[index] = header[index] }
    }
}
