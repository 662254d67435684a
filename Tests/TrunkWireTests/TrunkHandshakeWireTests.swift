import Testing

@testable import TrunkWire

/// A handshake init with a 3-byte placeholder credential.
let initBytes: [UInt8] =
    [
        0xE1, 0x01, 0x00, 0x00,  // version 1 | type 0x01 init | flags
        0x00, 0x00, 0x00, 0x2A,  // proposed key id 42
        0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,  // sender (initiator) tag
        0x00, 0x06, 0x0A, 0x24, 0x18, 0x1E, 0x40, 0x00,  // counter: timestamp 1,700,000,000,000,000 µs
        0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22,  // responder tag
        0x03, 0x00, 0x00, 0x03,  // offered: AES-256-GCM | XChaCha20 | reserved | credential length 3
    ] + [UInt8](repeating: 0xEE, count: 32)  // initiator ephemeral key
    + [0xC1, 0xC2, 0xC3]  // credential (placeholder)
    + [UInt8](repeating: 0x4D, count: 16)  // MAC

/// A handshake response.
let responseBytes: [UInt8] =
    [
        0xE1, 0x02, 0x00, 0x00,  // version 1 | type 0x02 response | flags
        0x00, 0x00, 0x00, 0x2A,  // key id 42 (echo)
        0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22,  // sender (responder) tag
        0x00, 0x06, 0x0A, 0x24, 0x18, 0x1E, 0x40, 0x00,  // counter: the init's timestamp, echoed
        0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,  // initiator tag
        0x01, 0x00, 0x00, 0x00,  // chosen: AES-256-GCM | reserved
    ] + [UInt8](repeating: 0xAB, count: 32)  // responder ephemeral key
    + [UInt8](repeating: 0xC0, count: 16)  // confirmation tag

struct TrunkHandshakeWireTests {
    @Test func initParsesAndRoundTrips() throws {
        let message = try TrunkHandshakeInit(parsing: initBytes)
        #expect(message.header.keyID == 42)
        #expect(message.header.counter == 1_700_000_000_000_000)
        #expect(message.responder == TrunkNodeTag(rawValue: 0x2222_2222_2222_2222))
        #expect(message.offeredCiphers == [.aes256gcm, .xchacha20poly1305])
        #expect(message.ephemeralPublicKey == [UInt8](repeating: 0xEE, count: 32))
        #expect(message.credential == [0xC1, 0xC2, 0xC3])
        #expect(message.mac == [UInt8](repeating: 0x4D, count: 16))
        #expect(message.authenticatedSize == 71)
        #expect(try message.marshal() == initBytes)
    }

    @Test(arguments: 0..<initBytes.count)
    func everyInitTruncationIsTyped(length: Int) {
        #expect(throws: TrunkWireError.self) { try TrunkHandshakeInit(parsing: Array(initBytes.prefix(length))) }
        let needed = length < 24 ? 24 : (length < 84 ? 84 : 87)
        let structure: TrunkWireError.Structure = length < 24 ? .frameHeader : .handshakeInit
        #expect(throws: TrunkWireError.truncated(structure, needed: needed, available: length)) {
            try TrunkHandshakeInit(parsing: Array(initBytes.prefix(length)))
        }
    }

    @Test func initRejectsBadFields() {
        var noCipher = initBytes
        noCipher[32] = 0
        #expect(throws: TrunkWireError.invalidValue(.cipherSet, value: 0)) { try TrunkHandshakeInit(parsing: noCipher) }
        var unknownCipher = initBytes
        unknownCipher[32] = 0x07
        #expect(throws: TrunkWireError.invalidValue(.cipherSet, value: 7)) { try TrunkHandshakeInit(parsing: unknownCipher) }
        var reserved = initBytes
        reserved[33] = 1
        #expect(throws: TrunkWireError.invalidValue(.handshakeInit, value: 1)) { try TrunkHandshakeInit(parsing: reserved) }
        #expect(throws: TrunkWireError.trailingBytes(.handshakeInit, count: 1)) { try TrunkHandshakeInit(parsing: initBytes + [0]) }
        #expect(throws: TrunkWireError.invalidValue(.handshakeInit, value: 2)) { try TrunkHandshakeInit(parsing: responseBytes) }
    }

    @Test func responseParsesAndRoundTrips() throws {
        let message = try TrunkHandshakeResponse(parsing: responseBytes)
        #expect(message.header.type == .handshakeResponse)
        #expect(message.initiator == TrunkNodeTag(rawValue: 0x1111_1111_1111_1111))
        #expect(message.chosenCipher == .aes256gcm)
        #expect(message.confirmation == [UInt8](repeating: 0xC0, count: 16))
        #expect(try message.marshal() == responseBytes)
    }

    @Test(arguments: 0..<responseBytes.count)
    func everyResponseTruncationIsTyped(length: Int) {
        let structure: TrunkWireError.Structure = length < 24 ? .frameHeader : .handshakeResponse
        #expect(throws: TrunkWireError.truncated(structure, needed: length < 24 ? 24 : 84, available: length)) {
            try TrunkHandshakeResponse(parsing: Array(responseBytes.prefix(length)))
        }
    }

    @Test(arguments: [UInt8(0), 3, 4, 0xFF])
    func responseMustChooseExactlyOneKnownCipher(choice: UInt8) {
        var bytes = responseBytes
        bytes[32] = choice
        #expect(throws: TrunkWireError.invalidValue(.cipherSet, value: Int(choice))) {
            try TrunkHandshakeResponse(parsing: bytes)
        }
    }

    @Test func writersCheckFieldSizes() {
        var message = try? TrunkHandshakeInit(parsing: initBytes)
        message?.mac = [1]
        #expect(throws: TrunkWireError.self) { try message?.marshal() }
        var response = try? TrunkHandshakeResponse(parsing: responseBytes)
        response?.chosenCipher = .known
        #expect(throws: TrunkWireError.invalidValue(.cipherSet, value: 3)) { try response?.marshal() }
    }
}
