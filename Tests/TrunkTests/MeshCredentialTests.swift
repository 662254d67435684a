import Testing

@testable import Trunk

@Suite("Mesh credentials")
struct MeshCredentialTests {
    let mesh = TrunkSigningKey.generate()

    func issue(issuedAt: UInt64 = 1_000_000, validity: UInt64 = 1_000, mesh: TrunkSigningKey? = nil) throws -> MeshCredential {
        try MeshCredential.issue(
            nodeID: nodeID("eu-central-1"), regionID: regionID("eu-central"),
            staticKey: TrunkX25519PrivateKey.generate().publicKey, issuedAt: issuedAt, validitySeconds: validity,
            signingKey: mesh ?? self.mesh)
    }

    @Test func issuedCredentialVerifiesAndRoundTrips() throws {
        let credential = try issue()
        #expect(credential.meshKeyID == MeshKeyID(meshKey: mesh.verifyingKey))
        #expect(credential.notAfter == 1_001_000)
        try credential.verify(meshKey: mesh.verifyingKey, nowUnixSeconds: 1_000_500)
        let decoded = try MeshCredential.decode(credential.encoded())
        #expect(decoded == credential)
        try decoded.verify(meshKey: mesh.verifyingKey, nowUnixSeconds: 1_000_500)
    }

    struct ClockCase: Sendable, CustomTestStringConvertible {
        let now: UInt64
        let expected: TrunkError?
        let testDescription: String
    }

    /// Issued at 1,000,000, valid 1,000 s, 300 s skew allowance.
    static let clockCases = [
        ClockCase(now: 999_699, expected: .credentialNotYetValid(issuedAt: 1_000_000, now: 999_699), testDescription: "301 s early"),
        ClockCase(now: 999_700, expected: nil, testDescription: "300 s early (skew)"),
        ClockCase(now: 1_000_000, expected: nil, testDescription: "at issue"),
        ClockCase(now: 1_000_999, expected: nil, testDescription: "last second"),
        ClockCase(now: 1_001_000, expected: .credentialExpired(notAfter: 1_001_000, now: 1_001_000), testDescription: "at not-after"),
        ClockCase(now: 5_000_000, expected: .credentialExpired(notAfter: 1_001_000, now: 5_000_000), testDescription: "long after"),
    ]

    @Test(arguments: clockCases)
    func validityWindow(_ c: ClockCase) throws {
        let credential = try issue()
        if let expected = c.expected {
            #expect(throws: expected) { try credential.verify(meshKey: mesh.verifyingKey, nowUnixSeconds: c.now) }
        } else {
            #expect(throws: Never.self) { try credential.verify(meshKey: mesh.verifyingKey, nowUnixSeconds: c.now) }
        }
    }

    @Test func otherMeshKeyIsWrongMeshKeyNotBadSignature() throws {
        let other = TrunkSigningKey.generate()
        let credential = try issue(mesh: other)
        #expect(throws: TrunkError.credentialWrongMeshKey(
            expected: MeshKeyID(meshKey: mesh.verifyingKey), actual: MeshKeyID(meshKey: other.verifyingKey))
        ) { try credential.verify(meshKey: mesh.verifyingKey, nowUnixSeconds: 1_000_500) }
    }

    @Test func tamperedFieldsBreakTheSignature() throws {
        let credential = try issue()
        var longer = credential
        longer.notAfter += 86_400
        var moved = credential
        moved.regionID = regionID("us-east")
        var rekeyed = credential
        rekeyed.staticPublicKey = TrunkX25519PrivateKey.generate().publicKey.rawRepresentation
        var forged = credential
        forged.signature[5] ^= 1
        for bad in [longer, moved, rekeyed, forged] {
            #expect(throws: TrunkError.credentialBadSignature) {
                try bad.verify(meshKey: mesh.verifyingKey, nowUnixSeconds: 1_000_500)
            }
        }
    }

    @Test func emptyValidityIsRefused() {
        #expect(throws: TrunkError.self) { try issue(validity: 0) }
        #expect(throws: TrunkError.self) { try issue(issuedAt: UInt64.max - 5, validity: 10) }
    }

    @Test func signedMessageStartsWithTheContext() throws {
        let credential = try issue()
        let message = try credential.signedMessage()
        #expect(Array(message.prefix(MeshCredential.signatureContext.count)) == Array("EdgeMesh node credential v1".utf8))
        #expect(message.count == MeshCredential.signatureContext.count + credential.unsignedSize)
    }

    @Test func nodeTagsAndKeyIDsAreStable() throws {
        // Fixed inputs give fixed identifiers (the hash construction must not drift).
        let tagA = TrunkNodeTag(nodeID: nodeID("eu-central-1"))
        #expect(tagA == TrunkNodeTag(nodeID: nodeID("eu-central-1")))
        #expect(tagA != TrunkNodeTag(nodeID: nodeID("eu-central-2")))
        let seedKey = try TrunkSigningKey(seed: [UInt8](repeating: 7, count: 32))
        #expect(MeshKeyID(meshKey: seedKey.verifyingKey) == MeshKeyID(meshKey: seedKey.verifyingKey))
        #expect(MeshKeyID(meshKey: seedKey.verifyingKey).description.count == 16)
    }

    @Test(arguments: [
        (UInt64(0), "1970-01-01T00:00:00Z"),
        (UInt64(951_782_400), "2000-02-29T00:00:00Z"),
        (UInt64(1_700_000_000), "2023-11-14T22:13:20Z"),
        (UInt64(4_102_444_799), "2099-12-31T23:59:59Z"),
    ])
    func formatsUTC(seconds: UInt64, text: String) {
        #expect(MeshFiles.formatUTC(seconds) == text)
    }
}
