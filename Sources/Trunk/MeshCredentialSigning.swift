import TrunkWire

/// Signing and verification of node credentials (docs/trunk-protocol.md §2).
extension MeshCredential {
    /// Default tolerance for a credential issued "in the future" by a mesh
    /// operator whose clock runs ahead: five minutes.
    public static let defaultClockSkewSeconds: UInt64 = 300

    /// Signs a credential for `nodeID` in `regionID` owning `staticKey`, valid
    /// from `issuedAt` for `validitySeconds` (seconds since the Unix epoch).
    /// - Throws: `.credentialInvalid` for an empty or overflowing validity.
    public static func issue(
        nodeID: MeshNodeID, regionID: MeshRegionID, staticKey: TrunkX25519PublicKey, issuedAt: UInt64,
        validitySeconds: UInt64, signingKey: TrunkSigningKey
    ) throws(TrunkError) -> MeshCredential {
        let (notAfter, overflow) = issuedAt.addingReportingOverflow(validitySeconds)
        guard validitySeconds > 0, !overflow else {
            throw .credentialInvalid(reason: "validity of \(validitySeconds) s from \(issuedAt) is empty or overflows")
        }
        var credential = MeshCredential(
            nodeID: nodeID, regionID: regionID, staticPublicKey: staticKey.rawRepresentation, issuedAt: issuedAt,
            notAfter: notAfter, meshKeyID: MeshKeyID(meshKey: signingKey.verifyingKey))
        credential.signature = signingKey.signature(for: try credential.signedMessageOrThrow())
        return credential
    }

    /// Checks that the credential was signed by `meshKey` and is valid at
    /// `nowUnixSeconds`. The checks run in this order, each with its own error:
    /// mesh key id (`.credentialWrongMeshKey`), signature
    /// (`.credentialBadSignature`), start of validity minus `clockSkewSeconds`
    /// (`.credentialNotYetValid`), end of validity (`.credentialExpired`).
    public func verify(
        meshKey: TrunkVerifyingKey, nowUnixSeconds: UInt64, clockSkewSeconds: UInt64 = defaultClockSkewSeconds
    ) throws(TrunkError) {
        try verifySignature(meshKey: meshKey)
        try verifyValidity(nowUnixSeconds: nowUnixSeconds, clockSkewSeconds: clockSkewSeconds)
    }

    /// The mesh key id and signature checks of `verify`, without the clock.
    public func verifySignature(meshKey: TrunkVerifyingKey) throws(TrunkError) {
        let expected = MeshKeyID(meshKey: meshKey)
        guard meshKeyID == expected else { throw .credentialWrongMeshKey(expected: expected, actual: meshKeyID) }
        guard meshKey.isValidSignature(signature, for: try signedMessageOrThrow()) else {
            throw .credentialBadSignature
        }
    }

    /// The validity checks of `verify`.
    public func verifyValidity(nowUnixSeconds: UInt64, clockSkewSeconds: UInt64 = defaultClockSkewSeconds)
        throws(TrunkError)
    {
        guard notAfter > issuedAt else {
            throw .credentialInvalid(reason: "not-after \(notAfter) is not after issued-at \(issuedAt)")
        }
        let (latestStart, overflow) = nowUnixSeconds.addingReportingOverflow(clockSkewSeconds)
        guard overflow || issuedAt <= latestStart else {
            throw .credentialNotYetValid(issuedAt: issuedAt, now: nowUnixSeconds)
        }
        guard nowUnixSeconds < notAfter else { throw .credentialExpired(notAfter: notAfter, now: nowUnixSeconds) }
    }

    /// The node's static key as a typed key.
    public func staticKey() throws(TrunkError) -> TrunkX25519PublicKey {
        try TrunkX25519PublicKey(rawRepresentation: staticPublicKey)
    }

    /// The tag frames from this node carry.
    public var nodeTag: TrunkNodeTag { TrunkNodeTag(nodeID: nodeID) }

    /// The encoding, with wire errors wrapped.
    public func encoded() throws(TrunkError) -> [UInt8] {
        do { return try marshal() } catch { throw .wire(error) }
    }

    /// Parses an encoding, with wire errors wrapped.
    public static func decode(_ bytes: [UInt8]) throws(TrunkError) -> MeshCredential {
        do { return try MeshCredential(parsing: bytes) } catch { throw .wire(error) }
    }

    private func signedMessageOrThrow() throws(TrunkError) -> [UInt8] {
        do { return try signedMessage() } catch { throw .wire(error) }
    }
}

/// A node's own trunk identity: its credential, the matching static private
/// key and the mesh key it trusts (from `MESH_CREDENTIAL` and its key file).
public struct MeshNodeIdentity: Sendable {
    /// The node's credential.
    public let credential: MeshCredential
    /// The credential in binary form, as sent in handshake inits.
    public let encodedCredential: [UInt8]
    /// The node's static X25519 key (matches `credential.staticPublicKey`).
    public let staticKey: TrunkX25519PrivateKey
    /// The mesh verifying key every peer credential must be signed by.
    public let meshKey: TrunkVerifyingKey
    /// The tag this node's frames carry.
    public let tag: TrunkNodeTag

    /// The node id.
    public var nodeID: MeshNodeID { credential.nodeID }
    /// The region id.
    public var regionID: MeshRegionID { credential.regionID }

    /// Checks that `credential` is signed by `meshKey` and names `staticKey`'s
    /// public key. Validity in time is not checked here (see `credential.verifyValidity`).
    public init(credential: MeshCredential, staticKey: TrunkX25519PrivateKey, meshKey: TrunkVerifyingKey)
        throws(TrunkError)
    {
        try credential.verifySignature(meshKey: meshKey)
        guard credential.staticPublicKey == staticKey.publicKey.rawRepresentation else {
            throw .credentialInvalid(reason: "the node key file's key is not the one the credential names")
        }
        self.credential = credential
        self.encodedCredential = try credential.encoded()
        self.staticKey = staticKey
        self.meshKey = meshKey
        self.tag = credential.nodeTag
    }

    /// No checks at all: tests model attackers with it.
    init(uncheckedCredential credential: MeshCredential, staticKey: TrunkX25519PrivateKey, meshKey: TrunkVerifyingKey)
        throws(TrunkError)
    {
        self.credential = credential
        self.encodedCredential = try credential.encoded()
        self.staticKey = staticKey
        self.meshKey = meshKey
        self.tag = credential.nodeTag
    }

    /// The identity from the text of a credential file and of a node key file
    /// (the files `edgemesh mesh issue-node` writes).
    public init(credentialFile: String, keyFile: String) throws(TrunkError) {
        let (credential, meshKey) = try MeshFiles.parseCredentialFile(credentialFile)
        let (nodeID, key) = try MeshFiles.parseNodeKeyFile(keyFile)
        guard nodeID == credential.nodeID else {
            throw .invalidFile(kind: "node key", line: 0, reason: "key of node \(nodeID), credential of \(credential.nodeID)")
        }
        try self.init(credential: credential, staticKey: key, meshKey: meshKey)
    }
}
