import TrunkWire

/// The text files of mesh identity (docs/trunk-protocol.md §2.2): a header line
/// naming the kind and version, then `key: value` lines. Blank lines and lines
/// starting with `#` are ignored; unknown or repeated keys are errors. Binary
/// values are standard padded base64. Only text is produced and parsed here;
/// reading and writing files (and their modes) is the caller's business.
public enum MeshFiles {
    /// Header of the mesh signing key file.
    public static let meshKeyHeader = "edgemesh-mesh-key v1"
    /// Header of a node key file.
    public static let nodeKeyHeader = "edgemesh-node-key v1"
    /// Header of a node credential file.
    public static let credentialHeader = "edgemesh-node-credential v1"

    /// Where a node finds its key file: beside the credential, `ID.credential` → `ID.key`
    /// (any other name gets `.key` appended).
    public static func keyPath(forCredentialPath path: String) -> String {
        path.hasSuffix(".credential") ? String(path.dropLast(".credential".count)) + ".key" : path + ".key"
    }

    // MARK: Mesh signing key

    /// The mesh key file: the Ed25519 seed and, for reference, the public key.
    public static func meshKeyFile(_ key: TrunkSigningKey) -> String {
        """
        \(meshKeyHeader)
        # EdgeMesh mesh signing key. SECRET: whoever holds it can admit nodes to the mesh.
        # Mesh key id \(MeshKeyID(meshKey: key.verifyingKey)).
        public-key: \(key.verifyingKey.base64)
        seed: \(key.exportSeedBase64())

        """
    }

    /// Parses a mesh key file; a `public-key` line, if present, must match the seed.
    public static func parseMeshKeyFile(_ text: String) throws(TrunkError) -> TrunkSigningKey {
        let kind = "mesh key"
        let fields = try parse(text, kind: kind, header: meshKeyHeader, required: ["seed"], optional: ["public-key"])
        let key = try value(fields, "seed", kind) { (v) throws(TrunkError) in try TrunkSigningKey(seedBase64: v) }
        if fields["public-key"] != nil {
            let claimed = try value(fields, "public-key", kind) { (v) throws(TrunkError) in try TrunkVerifyingKey(base64: v) }
            guard claimed == key.verifyingKey else {
                throw .invalidFile(kind: kind, line: fields["public-key"]?.line ?? 0, reason: "public-key does not match seed")
            }
        }
        return key
    }

    // MARK: Node key

    /// A node key file: the node's static X25519 private key.
    public static func nodeKeyFile(nodeID: MeshNodeID, key: TrunkX25519PrivateKey) -> String {
        """
        \(nodeKeyHeader)
        # EdgeMesh node static key. SECRET: keep it with the node only, mode 0600.
        node: \(nodeID.rawValue)
        public-key: \(key.publicKey.base64)
        private-key: \(TrunkBase64.encode(key.exportSecretBytes()))

        """
    }

    /// Parses a node key file; `public-key`, if present, must match the private key.
    public static func parseNodeKeyFile(_ text: String) throws(TrunkError) -> (MeshNodeID, TrunkX25519PrivateKey) {
        let kind = "node key"
        let fields = try parse(
            text, kind: kind, header: nodeKeyHeader, required: ["node", "private-key"], optional: ["public-key"])
        let nodeID = try value(fields, "node", kind) { (v) throws(TrunkError) in try nodeIDValue(v) }
        let key = try value(fields, "private-key", kind) { (v) throws(TrunkError) in
            try TrunkX25519PrivateKey(rawRepresentation: TrunkBase64.decode(v))
        }
        if fields["public-key"] != nil {
            let claimed = try value(fields, "public-key", kind) { (v) throws(TrunkError) in try TrunkX25519PublicKey(base64: v) }
            guard claimed == key.publicKey else {
                throw .invalidFile(kind: kind, line: fields["public-key"]?.line ?? 0, reason: "public-key does not match private-key")
            }
        }
        return (nodeID, key)
    }

    // MARK: Credential

    /// A credential file: the trusted mesh public key and the credential, with
    /// a human-readable summary in comments.
    public static func credentialFile(_ credential: MeshCredential, meshKey: TrunkVerifyingKey) throws(TrunkError) -> String {
        let encoded = try credential.encoded()
        return """
            \(credentialHeader)
            # node \(credential.nodeID) in region \(credential.regionID), static key \(TrunkBase64.encode(credential.staticPublicKey))
            # valid from \(formatUTC(credential.issuedAt)) until \(formatUTC(credential.notAfter)), mesh key id \(credential.meshKeyID)
            mesh-public-key: \(meshKey.base64)
            credential: \(TrunkBase64.encode(encoded))

            """
    }

    /// Parses a credential file and checks the credential is signed by the mesh key it names.
    public static func parseCredentialFile(_ text: String) throws(TrunkError) -> (MeshCredential, TrunkVerifyingKey) {
        let kind = "credential"
        let fields = try parse(text, kind: kind, header: credentialHeader, required: ["mesh-public-key", "credential"])
        let meshKey = try value(fields, "mesh-public-key", kind) { (v) throws(TrunkError) in try TrunkVerifyingKey(base64: v) }
        let credential = try value(fields, "credential", kind) { (v) throws(TrunkError) in
            try MeshCredential.decode(TrunkBase64.decode(v))
        }
        try credential.verifySignature(meshKey: meshKey)
        return (credential, meshKey)
    }

    // MARK: Parsing

    struct Field {
        let value: String
        let line: Int
    }

    static func parse(_ text: String, kind: String, header: String, required: Set<String>, optional: Set<String> = [])
        throws(TrunkError) -> [String: Field]
    {
        var fields: [String: Field] = [:]
        var sawHeader = false
        // "\r\n" is one Character in Swift, so split on each line-end form.
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
        for (index, line) in lines.enumerated() {
            let number = index + 1
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard sawHeader else {
                guard line == header else {
                    throw .invalidFile(kind: kind, line: number, reason: "expected header '\(header)'")
                }
                sawHeader = true
                continue
            }
            guard let colon = line.firstIndex(of: ":") else {
                throw .invalidFile(kind: kind, line: number, reason: "expected 'key: value'")
            }
            let key = String(line[..<colon])
            let value = String(line[line.index(after: colon)...]).trimmingSpaces()
            guard required.contains(key) || optional.contains(key) else {
                throw .invalidFile(kind: kind, line: number, reason: "unknown key '\(key)'")
            }
            guard fields[key] == nil else { throw .invalidFile(kind: kind, line: number, reason: "repeated key '\(key)'") }
            fields[key] = Field(value: value, line: number)
        }
        guard sawHeader else { throw .invalidFile(kind: kind, line: 0, reason: "empty file, expected '\(header)'") }
        for key in required.sorted() where fields[key] == nil {
            throw .invalidFile(kind: kind, line: 0, reason: "missing '\(key)'")
        }
        return fields
    }

    static func value<T>(_ fields: [String: Field], _ key: String, _ kind: String, _ convert: (String) throws(TrunkError) -> T)
        throws(TrunkError) -> T
    {
        guard let field = fields[key] else { throw .invalidFile(kind: kind, line: 0, reason: "missing '\(key)'") }
        do {
            return try convert(field.value)
        } catch {
            throw .invalidFile(kind: kind, line: field.line, reason: "bad \(key): \(error)")
        }
    }

    static func nodeIDValue(_ text: String) throws(TrunkError) -> MeshNodeID {
        guard let id = MeshNodeID(rawValue: text) else { throw .credentialInvalid(reason: "invalid node id '\(text)'") }
        return id
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` for seconds since the Unix epoch (proleptic
    /// Gregorian, H. Hinnant's `civil_from_days`).
    public static func formatUTC(_ seconds: UInt64) -> String {
        let days = Int64(clamping: seconds / 86_400)
        let rest = Int64(clamping: seconds % 86_400)
        let z = days + 719_468
        let era = z / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(year)-\(two(month))-\(two(day))T\(two(rest / 3600)):\(two(rest / 60 % 60)):\(two(rest % 60))Z"
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var s = Substring(self)
        while let first = s.first, first == " " || first == "\t" { s = s.dropFirst() }
        while let last = s.last, last == " " || last == "\t" { s = s.dropLast() }
        return String(s)
    }
}
