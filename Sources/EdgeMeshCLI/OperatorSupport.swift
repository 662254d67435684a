import ArgumentParser
import ControlPlane
import Coordination
import Foundation

/// Exit codes of the operator verbs (`nodes`, `drain`), from sysexits.h.
enum OperatorExit {
    /// Bad usage (also ArgumentParser's validation errors).
    static let usage = ExitCode(64)
    /// The node is not in the registry, or the address answers as another node.
    static let noSuchNode = ExitCode(68)
    /// Redis or the node could not be reached.
    static let unavailable = ExitCode(69)
    /// The node refused the call (for example an old node without `Drain`).
    static let refused = ExitCode(70)
    /// `--wait` gave up while the node still had participants.
    static let stillBusy = ExitCode(75)
}

/// Prints `edgemesh COMMAND: message` on standard error and returns `code` to throw.
func operatorFailure(_ command: String, _ message: String, _ code: ExitCode) -> ExitCode {
    FileHandle.standardError.write(Data("edgemesh \(command): \(message)\n".utf8))
    return code
}

/// The node registry in Redis (`REDIS_ADDR`), read once.
func registryNodes(redisAddress: String, command: String) async throws -> [NodeRecord] {
    let redis: RedisConfiguration
    do {
        redis = try RedisConfiguration(address: redisAddress)
    } catch {
        throw ValidationError("--redis \(redisAddress): \(error)")
    }
    let prefix = Environment.string("EDGEMESH_KEY_PREFIX") ?? CoordinatorConfiguration().keyPrefix
    let coordinator = RedisCoordinator(configuration: CoordinatorConfiguration(keyPrefix: prefix), redis: redis)
    let result: Result<[NodeRecord], RedisError>
    do {
        result = .success(try await coordinator.healthyNodes())
    } catch {
        result = .failure(error)
    }
    await coordinator.close()
    switch result {
    case .success(let nodes): return nodes
    case .failure(let error):
        throw operatorFailure(command, "cannot read the node registry at \(redisAddress): \(error)", OperatorExit.unavailable)
    }
}

/// Runs `body` with a pool of gRPC clients whose connections live only as long as the call.
func withSFUClients<T: Sendable>(_ body: (SFUClientPool) async throws -> T) async throws -> T {
    let pool = SFUClientPool(timeout: .seconds(5))
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await pool.run() }
        do {
            let result = try await body(pool)
            pool.shutdown()
            group.cancelAll()
            return result
        } catch {
            pool.shutdown()
            group.cancelAll()
            throw error
        }
    }
}

/// Encodes `value` as pretty, key-sorted JSON on standard output.
func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
