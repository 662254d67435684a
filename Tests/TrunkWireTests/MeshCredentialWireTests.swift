import Testing

@testable import TrunkWire

/// A credential for node "n1" in region "eu" (signature bytes are placeholders;
/// signing is the Trunk module's business).
let credentialBytes: [UInt8] =
    [
        0x01,  // version 1
        0x02, 0x6E, 0x31,  // node id length 2, "n1"
        0x02, 0x65, 0x75,  // region length 2, "eu"
    ] + [UInt8](repeating: 0x5A, count: 32)  // static X25519 public key
    + [
        0x00, 0x00, 0x00, 0x00, 0x65, 0x53, 0xF1, 0x00,  // issued at 1,700,000,000 s
        0x00, 0x00, 0x00, 0x00, 0x65, 0xCE, 0x5D, 0x00,  // not after 1,708,023,040 s
        0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF,  // mesh key id
    ] + [UInt8](repeating: 0x99, count: 64)  // signature

struct MeshCredentialWireTests {
    @Test func parsesAndRoundTrips() throws {
        let credential = try MeshCredential(parsing: credentialBytes)
        #expect(credential.nodeID.rawValue == "n1")
        #expect(credential.regionID.rawValue == "eu")
        #expect(credential.staticPublicKey == [UInt8](repeating: 0x5A, count: 32))
        #expect(credential.issuedAt == 0x6553_F100)
        #expect(credential.notAfter == 0x65CE_5D00)
        #expect(credential.meshKeyID == MeshKeyID(rawValue: 0x0123_4567_89AB_CDEF))
        #expect(credential.meshKeyID.description == "0123456789abcdef")
        #expect(credential.signature == [UInt8](repeating: 0x99, count: 64))
        #expect(try credential.marshal() == credentialBytes)
        #expect(credential.marshalSize == credentialBytes.count)
        #expect(try credential.signedMessage() == MeshCredential.signatureContext + credentialBytes.dropLast(64))
    }

    @Test(arguments: 0..<credentialBytes.count)
    func everyTruncationIsTyped(length: Int) {
        do {
            _ = try MeshCredential(parsing: Array(credentialBytes.prefix(length)))
            Issue.record("parsed a truncated credential")
        } catch {
            switch error {
            case .truncated(.credential, _, let available): #expect(available == length)
            case .invalidLength(.nodeID, _, _), .invalidLength(.regionID, _, _): break  // a cut id
            default: Issue.record("unexpected \(error)")
            }
        }
    }

    @Test func trailingBytesAreRejected() {
        #expect(throws: TrunkWireError.trailingBytes(.credential, count: 1)) {
            try MeshCredential(parsing: credentialBytes + [0])
        }
    }

    @Test(arguments: [
        (0, UInt8(2), TrunkWireError.unsupportedVersion(2)),
        (1, 0, .invalidLength(.nodeID, length: 0, allowed: 1...64)),
        (2, 0x20, .invalidValue(.nodeID, value: 0x20)),  // space in node id
        (5, 0x45, .invalidValue(.regionID, value: 0x45)),  // upper-case E in region id
        (4, 0, .invalidLength(.regionID, length: 0, allowed: 1...64)),
    ])
    func invalidFields(offset: Int, value: UInt8, error: TrunkWireError) {
        var bytes = credentialBytes
        bytes[offset] = value
        #expect(throws: error) { try MeshCredential(parsing: bytes) }
    }

    @Test func identifierRules() {
        #expect(MeshNodeID(rawValue: "eu-central-1") != nil)
        #expect(MeshNodeID(rawValue: "Node_1.a") != nil)
        #expect(MeshNodeID(rawValue: "") == nil)
        #expect(MeshNodeID(rawValue: "a b") == nil)
        #expect(MeshNodeID(rawValue: String(repeating: "a", count: 65)) == nil)
        #expect(MeshRegionID(rawValue: "us-east") != nil)
        #expect(MeshRegionID(rawValue: "US") == nil)
        #expect(MeshRegionID(rawValue: "eu_central") == nil)
        // Ordering is by bytes: it decides which node's init wins a crossing.
        if let a2 = MeshNodeID(rawValue: "a-2"), let a10 = MeshNodeID(rawValue: "a-10") {
            #expect(a10 < a2)
        } else {
            Issue.record("valid ids rejected")
        }
    }

    @Test func writerChecksSizes() throws {
        var credential = try MeshCredential(parsing: credentialBytes)
        credential.staticPublicKey = [1, 2]
        #expect(throws: TrunkWireError.invalidLength(.staticKey, length: 2, allowed: 32...32)) { try credential.marshal() }
        credential.staticPublicKey = [UInt8](repeating: 0, count: 32)
        credential.signature = []
        #expect(throws: TrunkWireError.invalidLength(.signature, length: 0, allowed: 64...64)) { try credential.marshal() }
    }

    @Test func sizesBounds() {
        #expect(MeshCredential.minimumSize == 125)
        #expect(MeshCredential.maximumSize == 251)
    }
}
