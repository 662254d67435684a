// trunk-bench: cost of sealing and opening 1,200-byte trunk payloads with
// AES-256-GCM and XChaCha20-Poly1305, raw (TrunkAEAD in place) and through
// the TrunkPeer state machine (sealData into a buffer, receive → deliver).
// ContinuousClock, fastest of 7 rounds; allocations from an interposed malloc.
// Prints a Markdown table; `--write PATH` also writes it to PATH.
import CMallocCounter
import Foundation
import Trunk

nonisolated(unsafe) var sink = 0

struct Row {
    let name: String
    let nanoseconds: Double
    let allocations: Double
}

func measure(_ name: String, iterations: Int = 200_000, rounds: Int = 7, _ body: (Int) -> Int) -> Row {
    sink &+= body(iterations / 10)
    var best = Duration.seconds(3600)
    var allocations: UInt64 = 0
    let clock = ContinuousClock()
    for _ in 0..<rounds {
        let before = malloc_counter_allocations()
        let start = clock.now
        sink &+= body(iterations)
        best = min(best, clock.now - start)
        allocations += malloc_counter_allocations() - before
    }
    let (s, atto) = best.components
    let ns = (Double(s) * 1e9 + Double(atto) / 1e9) / Double(iterations)
    return Row(name: name, nanoseconds: ns, allocations: Double(allocations) / Double(iterations * rounds))
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("trunk-bench: \(message)\n".utf8))
    exit(1)
}

let payloadSize = 1_200

/// Raw AEAD: seal the payload in place after a 24-byte header (AD), then open it in place.
func rawAEAD(_ cipher: TrunkCipher) -> Row {
    guard let aead = try? TrunkAEAD(key: .random(), cipher: cipher) else { fail("\(cipher) unavailable") }
    var buffer = [UInt8](repeating: 0x5A, count: 24 + payloadSize + 16)
    return measure("TrunkAEAD seal + open, \(cipher), 1200 B in place") { n in
        var check = 0
        buffer.withUnsafeMutableBytes { raw in
            let ad = UnsafeRawBufferPointer(rebasing: raw[0..<24])
            let body = UnsafeMutableRawBufferPointer(rebasing: raw[24...])
            for i in 0..<n {
                let counter = UInt64(i)
                let plain = UnsafeRawBufferPointer(rebasing: body[0..<payloadSize])
                guard (try? aead.seal(plain, counter: counter, associatedData: ad, into: body)) != nil,
                    let opened = try? aead.open(UnsafeRawBufferPointer(body), counter: counter, associatedData: ad, into: body)
                else { fail("seal/open failed") }
                check &+= opened
            }
        }
        return check
    }
}

func identity(_ id: String, mesh: TrunkSigningKey, now: TrunkTime) -> MeshNodeIdentity {
    let key = TrunkX25519PrivateKey.generate()
    guard let nodeID = MeshNodeID(rawValue: id), let region = MeshRegionID(rawValue: "bench"),
        let credential = try? MeshCredential.issue(
            nodeID: nodeID, regionID: region, staticKey: key.publicKey, issuedAt: now.unixSeconds,
            validitySeconds: 86_400, signingKey: mesh),
        let identity = try? MeshNodeIdentity(credential: credential, staticKey: key, meshKey: mesh.verifyingKey)
    else { fail("identity") }
    return identity
}

/// Two established peers using `cipher`.
func peers(_ cipher: TrunkCipher, now: TrunkTime) -> (TrunkPeer, TrunkPeer) {
    let mesh = TrunkSigningKey.generate()
    let idA = identity("bench-a", mesh: mesh, now: now)
    let idB = identity("bench-b", mesh: mesh, now: now)
    var configuration = TrunkConfiguration()
    configuration.ciphers = [cipher]
    configuration.rekeyAfterPackets = .max
    configuration.rejectAfterPackets = .max
    guard var a = try? TrunkPeer(local: idA, remote: idB.credential, configuration: configuration, now: now),
        var b = try? TrunkPeer(local: idB, remote: idA.credential, configuration: configuration, now: now)
    else { fail("peers") }
    var toB = a.connect(now: now)
    var rounds = 0
    while !toB.isEmpty && rounds < 10 {
        var toA: [TrunkAction] = []
        for case .send(let bytes) in toB { toA += b.receive(bytes, now: now) }
        toB = []
        for case .send(let bytes) in toA { toB += a.receive(bytes, now: now) }
        rounds += 1
    }
    guard a.state == .established, b.state == .established else { fail("handshake did not complete") }
    return (a, b)
}

/// TrunkPeer: sealData into a reused buffer, then the other peer's receive (decrypt, parse, deliver).
func peerPath(_ cipher: TrunkCipher) -> Row {
    let now = TrunkTime.now()
    var (a, b) = peers(cipher, now: now)
    let payload = [UInt8](repeating: 0x80, count: payloadSize)
    var buffer = [UInt8](repeating: 0, count: TrunkPeer.sealedDataSize(payloadCount: payloadSize))
    let header = TrunkDataHeader(trackID: 1, layer: 0, hopCount: 1, originSendTime: now.unixMicroseconds)
    return measure("TrunkPeer sealData + receive → deliver, \(cipher), 1200 B") { n in
        var check = 0
        payload.withUnsafeBytes { p in
            buffer.withUnsafeMutableBytes { out in
                for _ in 0..<n {
                    guard let length = try? a.sealData(header, payload: p, into: out, now: now) else { fail("sealData") }
                    let actions = b.receive(UnsafeRawBufferPointer(rebasing: out[0..<length]), now: now)
                    guard actions.count == 1, case .deliver(.data(let frame)) = actions[0] else { fail("not delivered: \(actions)") }
                    check &+= frame.payload.count
                }
            }
        }
        return check
    }
}

/// TrunkPeer: sealData into a buffer, then receiveInPlace on the same buffer (no allocation).
func peerInPlace(_ cipher: TrunkCipher) -> Row {
    let now = TrunkTime.now()
    var (a, b) = peers(cipher, now: now)
    let payload = [UInt8](repeating: 0x80, count: payloadSize)
    var buffer = [UInt8](repeating: 0, count: TrunkPeer.sealedDataSize(payloadCount: payloadSize))
    let header = TrunkDataHeader(trackID: 1, layer: 0, hopCount: 1, originSendTime: now.unixMicroseconds)
    return measure("TrunkPeer sealData + receiveInPlace, \(cipher), 1200 B") { n in
        var check = 0
        payload.withUnsafeBytes { p in
            buffer.withUnsafeMutableBytes { out in
                for _ in 0..<n {
                    guard let length = try? a.sealData(header, payload: p, into: out, now: now) else { fail("sealData") }
                    let result = b.receiveInPlace(UnsafeMutableRawBufferPointer(rebasing: out[0..<length]), now: now)
                    guard result.dataHeader != nil else { fail("not delivered: \(result.actions)") }
                    check &+= result.payload.count
                }
            }
        }
        return check
    }
}

var rows: [Row] = []
for cipher in [TrunkCipher.aes256gcm, .xchacha20poly1305] where cipher.isAvailable {
    rows.append(rawAEAD(cipher))
    rows.append(peerPath(cipher))
    rows.append(peerInPlace(cipher))
}

func format(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }
func thousands(_ value: Double) -> String {
    let n = Int(value.rounded())
    let s = String(n)
    var out = ""
    for (i, c) in s.reversed().enumerated() {
        if i > 0 && i % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return String(out.reversed())
}

var table = "| benchmark | ns per seal+open | seal+open per second per core | allocs/op |\n|---|---:|---:|---:|\n"
for row in rows {
    table += "| \(row.name) | \(format(row.nanoseconds, 0)) | \(thousands(1e9 / row.nanoseconds)) | \(format(row.allocations, 2)) |\n"
}
print(table, terminator: "")
print("AES-256-GCM available: \(TrunkCipher.aes256gcm.isAvailable); sink \(sink % 2)")
