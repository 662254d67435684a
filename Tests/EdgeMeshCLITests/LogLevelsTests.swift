import Foundation
import Logging
import Testing

@testable import EdgeMeshCLI

@Suite("LOG_LEVEL parsing")
struct LogLevelsTests {
    @Test(arguments: [
        ("info", LogLevels(defaultLevel: .info)),
        ("DEBUG", LogLevels(defaultLevel: .debug)),
        ("info,trunk=debug,dtls=warning", LogLevels(defaultLevel: .info, overrides: ["trunk": .debug, "dtls": .warning])),
        (" warning , sfu = trace ", LogLevels(defaultLevel: .warning, overrides: ["sfu": .trace])),
        ("trunk=debug", LogLevels(defaultLevel: .info, overrides: ["trunk": .debug])),  // default stays info
        ("trunk=debug,error", LogLevels(defaultLevel: .error, overrides: ["trunk": .debug])),  // default may come last
        ("edgemesh.backend=critical", LogLevels(defaultLevel: .info, overrides: ["edgemesh.backend": .critical])),
    ])
    func parses(text: String, expected: LogLevels) throws {
        #expect(try LogLevels(parsing: text) == expected)
    }

    @Test(arguments: [
        ("verbose", LogConfigurationError.unknownLevel("verbose")),
        ("info,trunk=loud", .unknownLevel("loud")),
        ("info,,trunk=debug", .emptyItem(text: "info,,trunk=debug")),
        ("", .emptyItem(text: "")),
        ("info,debug", .duplicate(key: "(default)")),
        ("trunk=debug,trunk=info", .duplicate(key: "trunk")),
        ("=debug", .badSubsystem("")),
        ("tr unk=debug", .badSubsystem("tr unk")),
        ("trunk.=debug", .badSubsystem("trunk.")),
    ])
    func rejects(text: String, expected: LogConfigurationError) {
        #expect(throws: expected) { try LogLevels(parsing: text) }
    }

    @Test(arguments: [
        ("edgemesh.trunk", Logger.Level.debug),
        ("edgemesh.trunk.handshake", .debug),  // a label under the subsystem
        ("edgemesh.trunkish", .info),  // a different subsystem that shares a prefix
        ("edgemesh.dtls", .warning),
        ("edgemesh.sfu", .info),
        ("edgemesh.sfu.media", .error),  // the longer key wins
        ("trunk", .debug),  // a bare label equal to the key
        ("other.library", .info),
    ])
    func levelByLabel(label: String, level: Logger.Level) throws {
        let levels = try LogLevels(parsing: "info,trunk=debug,dtls=warning,sfu.media=error")
        #expect(levels.level(for: label) == level)
    }

    @Test func jsonLineCarriesTheRecord() throws {
        let line = JSONLogHandler.line(
            date: Date(timeIntervalSince1970: 1_764_115_200.25), level: .warning, label: "edgemesh.sfu",
            message: "drain \"complete\"", source: "EdgeNode", metadata: ["node": "sfu-1", "count": "3"])
        #expect(line.hasSuffix("}\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object == [
            "ts": "2025-11-26T00:00:00.250Z", "level": "warning", "label": "edgemesh.sfu",
            "message": "drain \"complete\"", "source": "EdgeNode", "node": "sfu-1", "count": "3",
        ])
    }
}
