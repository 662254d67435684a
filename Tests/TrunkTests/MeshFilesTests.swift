import Testing

@testable import Trunk

@Suite("Mesh key and credential files")
struct MeshFilesTests {
    @Test func meshKeyFileRoundTrips() throws {
        let key = TrunkSigningKey.generate()
        let text = MeshFiles.meshKeyFile(key)
        #expect(text.hasPrefix("edgemesh-mesh-key v1\n"))
        let parsed = try MeshFiles.parseMeshKeyFile(text)
        #expect(parsed.verifyingKey == key.verifyingKey)
    }

    @Test func nodeKeyAndCredentialFilesMakeAnIdentity() throws {
        let mesh = TrunkSigningKey.generate()
        let key = TrunkX25519PrivateKey.generate()
        let credential = try MeshCredential.issue(
            nodeID: nodeID("ap-south-1"), regionID: regionID("ap-south"), staticKey: key.publicKey,
            issuedAt: t0.unixSeconds, validitySeconds: 90 * 86_400, signingKey: mesh)
        let credentialText = try MeshFiles.credentialFile(credential, meshKey: mesh.verifyingKey)
        let keyText = MeshFiles.nodeKeyFile(nodeID: credential.nodeID, key: key)
        #expect(credentialText.contains("# node ap-south-1 in region ap-south"))
        #expect(!credentialText.contains(TrunkBase64.encode(key.exportSecretBytes())))
        let identity = try MeshNodeIdentity(credentialFile: credentialText, keyFile: keyText)
        #expect(identity.credential == credential)
        #expect(identity.meshKey == mesh.verifyingKey)
        #expect(identity.staticKey.publicKey == key.publicKey)
        #expect(identity.tag == TrunkNodeTag(nodeID: nodeID("ap-south-1")))
    }

    @Test func keyOfAnotherNodeIsRefused() throws {
        let mesh = TrunkSigningKey.generate()
        let key = TrunkX25519PrivateKey.generate()
        let credential = try MeshCredential.issue(
            nodeID: nodeID("n1"), regionID: regionID("r"), staticKey: key.publicKey, issuedAt: 1, validitySeconds: 10,
            signingKey: mesh)
        let credentialText = try MeshFiles.credentialFile(credential, meshKey: mesh.verifyingKey)
        let otherKey = MeshFiles.nodeKeyFile(nodeID: nodeID("n1"), key: TrunkX25519PrivateKey.generate())
        #expect(throws: TrunkError.self) { try MeshNodeIdentity(credentialFile: credentialText, keyFile: otherKey) }
        let otherNode = MeshFiles.nodeKeyFile(nodeID: nodeID("n2"), key: key)
        #expect(throws: TrunkError.self) { try MeshNodeIdentity(credentialFile: credentialText, keyFile: otherNode) }
    }

    struct BadFile: Sendable, CustomTestStringConvertible {
        let text: String
        let line: Int
        let testDescription: String
    }

    static let seed = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
    static let badMeshKeyFiles = [
        BadFile(text: "", line: 0, testDescription: "empty"),
        BadFile(text: "edgemesh-node-key v1\nseed: \(seed)\n", line: 1, testDescription: "wrong header"),
        BadFile(text: "edgemesh-mesh-key v2\nseed: \(seed)\n", line: 1, testDescription: "wrong version"),
        BadFile(text: "edgemesh-mesh-key v1\n", line: 0, testDescription: "missing seed"),
        BadFile(text: "edgemesh-mesh-key v1\nseed: \(seed)\ncolour: blue\n", line: 3, testDescription: "unknown key"),
        BadFile(text: "edgemesh-mesh-key v1\nseed: \(seed)\nseed: \(seed)\n", line: 3, testDescription: "repeated key"),
        BadFile(text: "edgemesh-mesh-key v1\nseed \(seed)\n", line: 2, testDescription: "no colon"),
        BadFile(text: "edgemesh-mesh-key v1\nseed: AAEC\n", line: 2, testDescription: "short seed"),
        BadFile(text: "edgemesh-mesh-key v1\nseed: not base64!\n", line: 2, testDescription: "bad base64"),
        BadFile(
            text: "edgemesh-mesh-key v1\npublic-key: \(seed)\nseed: \(seed)\n", line: 2,
            testDescription: "public key does not match"),
    ]

    @Test(arguments: badMeshKeyFiles)
    func badMeshKeyFilesNameTheLine(_ c: BadFile) {
        do {
            _ = try MeshFiles.parseMeshKeyFile(c.text)
            Issue.record("parsed a bad file")
        } catch {
            guard case .invalidFile(let kind, let line, _) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(kind == "mesh key")
            #expect(line == c.line)
        }
    }

    @Test func commentsBlankLinesAndCRLFAreAccepted() throws {
        let text = "# a comment\r\n\r\nedgemesh-mesh-key v1\r\n  # indented comment\r\nseed:   \(Self.seed)  \r\n"
        let key = try MeshFiles.parseMeshKeyFile(text)
        #expect(key.exportSeedBase64() == Self.seed)
    }

    @Test func credentialFileFromAnotherMeshIsRefused() throws {
        let mesh = TrunkSigningKey.generate()
        let other = TrunkSigningKey.generate()
        let credential = try MeshCredential.issue(
            nodeID: nodeID("n1"), regionID: regionID("r"), staticKey: TrunkX25519PrivateKey.generate().publicKey,
            issuedAt: 1, validitySeconds: 10, signingKey: other)
        // The file claims `mesh` as its trust anchor, but `other` signed the credential.
        let text = try MeshFiles.credentialFile(credential, meshKey: mesh.verifyingKey)
        #expect(throws: TrunkError.self) { try MeshFiles.parseCredentialFile(text) }
    }
}
