import ArgumentParser
import Foundation
import Trunk

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `edgemesh mesh ...`: the operator's identity tools — the mesh signing key
/// and the node credentials trunks authenticate with (docs/trunk-protocol.md §2).
///
/// Exit codes (sysexits): 64 bad usage, 65 malformed input file, 66 input file
/// missing or unreadable, 73 output exists (use --force), 74 write failed.
/// Secrets (the mesh seed, node private keys) are written to 0600 files and
/// never printed.
struct MeshCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mesh",
        abstract: "Mesh identity: create the mesh signing key, issue and inspect node credentials.",
        subcommands: [Init.self, IssueNode.self, Show.self]
    )
}

extension MeshCommand {
    /// `edgemesh mesh init`: a new Ed25519 mesh signing key.
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the mesh signing key (Ed25519) and print its public key.",
            discussion: "The key file is written with mode 0600. Keep it offline: it admits nodes to the mesh.")

        @Option(name: .customLong("out"), help: "Where to write the mesh signing key.")
        var out = "mesh.key"
        @Flag(help: "Replace an existing key file (nodes issued with the old key stop being accepted).")
        var force = false

        func run() throws {
            try reportingFailures {
                let key = TrunkSigningKey.generate()
                try SecretFile.write(MeshFiles.meshKeyFile(key), to: out, mode: 0o600, overwrite: force)
                print("mesh public key: \(key.verifyingKey.base64)")
                print("mesh key id:     \(MeshKeyID(meshKey: key.verifyingKey))")
                print("wrote \(out) (mode 0600; secret, keep it offline)")
            }
        }
    }

    /// `edgemesh mesh issue-node`: a credential and static key for one node.
    struct IssueNode: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "issue-node",
            abstract: "Issue a node credential (ID.credential) and its static X25519 key (ID.key, mode 0600).",
            discussion: """
                Start the node with MESH_CREDENTIAL=DIR/ID.credential; it reads its key from DIR/ID.key. \
                The credential file also carries the mesh public key the node trusts.
                """)

        @Option(help: "Node id, [A-Za-z0-9._-], at most 64 characters (the node's NODE_ID).")
        var node: String
        @Option(help: "Region id, [a-z0-9-], as in regions/<id>.yaml.")
        var region: String
        @Option(help: "Validity: a number with a unit, s, m, h or d (e.g. 90d, 12h).")
        var valid = "90d"
        @Option(name: .customLong("mesh-key"), help: "The mesh signing key file from `edgemesh mesh init`.")
        var meshKey = "mesh.key"
        @Option(name: .customLong("out-dir"), help: "Directory for ID.credential and ID.key.")
        var outDir = "."
        @Flag(help: "Replace existing ID.credential and ID.key files.")
        var force = false

        func validate() throws {
            guard MeshNodeID(rawValue: node) != nil else {
                throw ValidationError("--node '\(node)': use 1 to 64 characters from A-Z a-z 0-9 . _ -")
            }
            guard MeshRegionID(rawValue: region) != nil else {
                throw ValidationError("--region '\(region)': use 1 to 64 characters from a-z 0-9 -")
            }
            guard parseValidity(valid) != nil else {
                throw ValidationError("--valid '\(valid)': expected a positive number with a unit s, m, h or d, e.g. 90d")
            }
        }

        func run() throws {
            try reportingFailures {
                guard let nodeID = MeshNodeID(rawValue: node), let regionID = MeshRegionID(rawValue: region),
                    let seconds = parseValidity(valid)
                else { throw MeshCLIError(code: 64, "invalid arguments (see --help)") }
                let signingKey: TrunkSigningKey
                do {
                    signingKey = try MeshFiles.parseMeshKeyFile(SecretFile.read(meshKey))
                } catch let error as TrunkError {
                    throw MeshCLIError(code: 65, "\(meshKey): \(error)")
                }
                let credentialPath = (outDir as NSString).appendingPathComponent("\(node).credential")
                let keyPath = MeshFiles.keyPath(forCredentialPath: credentialPath)
                if !force {
                    for path in [credentialPath, keyPath] where FileManager.default.fileExists(atPath: path) {
                        throw MeshCLIError(code: 73, "\(path) exists; use --force to replace it")
                    }
                }
                do {
                    try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true)
                } catch {
                    throw MeshCLIError(code: 73, "cannot create directory \(outDir): \(error.localizedDescription)")
                }
                let staticKey = TrunkX25519PrivateKey.generate()
                let now = UInt64(clamping: Int64(Date().timeIntervalSince1970))
                let credential = try MeshCredential.issue(
                    nodeID: nodeID, regionID: regionID, staticKey: staticKey.publicKey, issuedAt: now,
                    validitySeconds: seconds, signingKey: signingKey)
                try SecretFile.write(MeshFiles.nodeKeyFile(nodeID: nodeID, key: staticKey), to: keyPath, mode: 0o600, overwrite: force)
                try SecretFile.write(
                    MeshFiles.credentialFile(credential, meshKey: signingKey.verifyingKey), to: credentialPath, mode: 0o644,
                    overwrite: force)
                print("node \(nodeID) in region \(regionID)")
                print("valid \(MeshFiles.formatUTC(credential.issuedAt)) to \(MeshFiles.formatUTC(credential.notAfter))")
                print("static public key: \(staticKey.publicKey.base64)")
                print("wrote \(credentialPath) (mode 0644) and \(keyPath) (mode 0600, secret)")
            }
        }
    }

    /// `edgemesh mesh show`: summary and verification of a credential file.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a credential file's contents and check its signature and validity now.")

        @Argument(help: "A .credential file.")
        var file: String

        func run() throws {
            try reportingFailures {
                let credential: MeshCredential
                let meshKey: TrunkVerifyingKey
                do {
                    (credential, meshKey) = try MeshFiles.parseCredentialFile(SecretFile.read(file))
                } catch let error as TrunkError {
                    throw MeshCLIError(code: 65, "\(file): \(error)")
                }
                print("node:        \(credential.nodeID)")
                print("region:      \(credential.regionID)")
                print("static key:  \(TrunkBase64.encode(credential.staticPublicKey))")
                print("issued:      \(MeshFiles.formatUTC(credential.issuedAt))")
                print("not after:   \(MeshFiles.formatUTC(credential.notAfter))")
                print("mesh key:    \(meshKey.base64) (id \(credential.meshKeyID))")
                let now = UInt64(clamping: Int64(Date().timeIntervalSince1970))
                do {
                    try credential.verifyValidity(nowUnixSeconds: now)
                    print("status:      valid (signature verified)")
                } catch {
                    throw MeshCLIError(code: 65, "\(file): \(error)")
                }
            }
        }
    }
}

/// A failure with its exit code.
struct MeshCLIError: Error, CustomStringConvertible {
    let code: Int32
    let description: String

    init(code: Int32, _ description: String) {
        self.code = code
        self.description = description
    }
}

/// Runs `body`, turning a `MeshCLIError` or `TrunkError` into a message on stderr and its exit code.
private func reportingFailures(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as MeshCLIError {
        FileHandle.standardError.write(Data("edgemesh mesh: \(error.description)\n".utf8))
        throw ExitCode(error.code)
    } catch let error as TrunkError {
        FileHandle.standardError.write(Data("edgemesh mesh: \(error)\n".utf8))
        throw ExitCode(65)
    }
}

/// `90d`, `12h`, `30m`, `45s` as seconds; nil for anything else, zero or an overflow.
func parseValidity(_ text: String) -> UInt64? {
    guard let unit = text.last, let number = UInt64(text.dropLast()), number > 0 else { return nil }
    let scale: UInt64
    switch unit {
    case "s": scale = 1
    case "m": scale = 60
    case "h": scale = 3_600
    case "d": scale = 86_400
    default: return nil
    }
    let (seconds, overflow) = number.multipliedReportingOverflow(by: scale)
    return overflow ? nil : seconds
}

/// `write(2)`, under a name the `SecretFile.write` method does not shadow.
private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int { write(fd, buffer, count) }

/// Reading and writing the identity files.
enum SecretFile {
    static func read(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MeshCLIError(code: 66, "cannot read \(path)")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw MeshCLIError(code: 65, "\(path) is not UTF-8 text") }
        return text
    }

    /// Writes `text` to `path` with exactly `mode`: into a new temporary file
    /// beside it, then moved into place. Without `overwrite` the final step is
    /// `link(2)`, which fails if `path` appeared meanwhile.
    static func write(_ text: String, to path: String, mode: mode_t, overwrite: Bool) throws {
        if !overwrite && FileManager.default.fileExists(atPath: path) {
            throw MeshCLIError(code: 73, "\(path) exists; use --force to replace it")
        }
        let temporary = "\(path).tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw MeshCLIError(code: 73, "cannot create \(temporary): \(errnoText())") }
        var ok = fchmod(fd, mode) == 0
        let bytes = Array(text.utf8)
        var offset = 0
        while ok && offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { posixWrite(fd, $0.baseAddress, $0.count) }
            if n > 0 { offset += n } else if n < 0 && errno == EINTR { continue } else { ok = false }
        }
        ok = ok && fsync(fd) == 0
        ok = close(fd) == 0 && ok
        guard ok else {
            let reason = errnoText()
            unlink(temporary)
            throw MeshCLIError(code: 74, "cannot write \(path): \(reason)")
        }
        if overwrite {
            guard rename(temporary, path) == 0 else {
                let reason = errnoText()
                unlink(temporary)
                throw MeshCLIError(code: 74, "cannot replace \(path): \(reason)")
            }
        } else {
            defer { unlink(temporary) }
            guard link(temporary, path) == 0 else {
                throw MeshCLIError(code: errno == EEXIST ? 73 : 74, "cannot create \(path): \(errnoText())")
            }
        }
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}
