import Testing

@testable import TrunkWire

struct TrunkControlMessageTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        let message: TrunkControlMessage
        var testDescription: String { name }
    }

    static let vectors = [
        Vector(
            name: "subscribe",
            bytes: [
                0x01, 0x00, 0x00, 0x09,  // type subscribe | flags | body length 9
                0x00, 0x00, 0x00, 0x05,  // track id 5
                0x07, 0x03,  // layers 0b111 | name length 3
                0x72, 0x2F, 0x70,  // "r/p"
            ],
            message: .subscribe(TrunkSubscribe(trackID: 5, layers: 7, name: "r/p"))),
        Vector(
            name: "unsubscribe",
            bytes: [0x02, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x05],  // type 2 | length 4 | track 5
            message: .unsubscribe(trackID: 5)),
        Vector(
            name: "NACK",
            bytes: [
                0x03, 0x00, 0x00, 0x10,  // type NACK | body length 16
                0x00, 0x00, 0x00, 0x05,  // track id 5
                0x01, 0x00, 0x00, 0x00,  // layer 1 | reserved
                0x0A, 0xAB, 0x41, 0x01,  // PID 2731 | BLP 0x4101: +1, +9, +15
                0xFF, 0xFF, 0x00, 0x00,  // PID 65535
            ],
            message: .nack(
                TrunkNACK(
                    trackID: 5, layer: 1,
                    entries: [TrunkNACKEntry(packetID: 2731, lostBitmask: 0x4101), TrunkNACKEntry(packetID: 65535)]))),
        Vector(
            name: "PLI",
            bytes: [0x04, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x05, 0x02, 0x00, 0x00, 0x00],  // track 5, layer 2
            message: .pictureLossIndication(trackID: 5, layer: 2)),
        Vector(
            name: "ping",
            bytes: [
                0x05, 0x00, 0x00, 0x0C,  // type ping | length 12
                0x00, 0x00, 0x00, 0x09,  // sequence 9
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xE8,  // sent at 1000 µs
            ],
            message: .ping(TrunkPing(sequence: 9, sentAt: 1000))),
        Vector(
            name: "pong",
            bytes: [
                0x06, 0x00, 0x00, 0x14,  // type pong | length 20
                0x00, 0x00, 0x00, 0x09,  // sequence 9
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xE8,  // ping sent at 1000 µs
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0xD0,  // pong sent at 2000 µs
            ],
            message: .pong(TrunkPong(sequence: 9, pingSentAt: 1000, pongSentAt: 2000))),
        Vector(
            name: "unknown type kept",
            bytes: [0x42, 0x00, 0x00, 0x02, 0xAA, 0xBB],
            message: .unknown(type: 0x42, body: [0xAA, 0xBB])),
    ]

    @Test(arguments: vectors)
    func parsesAndWrites(_ v: Vector) throws {
        #expect(try TrunkControlMessage.parseList(v.bytes) == [v.message])
        #expect(try TrunkControlMessage.marshal([v.message]) == v.bytes)
        #expect(v.message.marshalSize == v.bytes.count)
    }

    @Test(arguments: vectors)
    func everyTruncationIsTyped(_ v: Vector) {
        for length in 1..<v.bytes.count {
            #expect(throws: TrunkWireError.self) { try TrunkControlMessage.parseList(Array(v.bytes.prefix(length))) }
        }
        #expect(throws: TrunkWireError.truncated(.controlMessage, needed: 4, available: 0)) {
            try TrunkControlMessage.parseList([])
        }
    }

    @Test func listOfAllRoundTrips() throws {
        let all = Self.vectors.map(\.message)
        let bytes = try TrunkControlMessage.marshal(all)
        #expect(bytes == Self.vectors.flatMap(\.bytes))
        #expect(try TrunkControlMessage.parseList(bytes) == all)
    }

    struct Bad: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        let error: TrunkWireError
        var testDescription: String { name }
    }

    static let bad = [
        Bad(name: "type 0", bytes: [0x00, 0x00, 0x00, 0x00], error: .invalidValue(.controlMessage, value: 0)),
        Bad(name: "flags", bytes: [0x02, 0x01, 0x00, 0x04, 0, 0, 0, 5], error: .invalidValue(.controlMessage, value: 1)),
        Bad(name: "length past end", bytes: [0x02, 0x00, 0x00, 0x05, 0, 0, 0, 5], error: .truncated(.controlMessage, needed: 9, available: 8)),
        Bad(name: "unsubscribe too long", bytes: [0x02, 0x00, 0x00, 0x05, 0, 0, 0, 5, 0], error: .trailingBytes(.unsubscribe, count: 1)),
        Bad(name: "empty track name", bytes: [0x01, 0x00, 0x00, 0x06, 0, 0, 0, 5, 1, 0], error: .invalidLength(.trackName, length: 0, allowed: 1...255)),
        Bad(name: "bad UTF-8 name", bytes: [0x01, 0x00, 0x00, 0x07, 0, 0, 0, 5, 1, 1, 0xFF], error: .invalidValue(.trackName, value: 1)),
        Bad(name: "name longer than body", bytes: [0x01, 0x00, 0x00, 0x07, 0, 0, 0, 5, 1, 2, 0x61], error: .truncated(.subscribe, needed: 8, available: 7)),
        Bad(name: "NACK without entries", bytes: [0x03, 0x00, 0x00, 0x08, 0, 0, 0, 5, 1, 0, 0, 0], error: .truncated(.nack, needed: 12, available: 8)),
        Bad(name: "NACK odd length", bytes: [0x03, 0x00, 0x00, 0x0E, 0, 0, 0, 5, 1, 0, 0, 0, 0, 1, 0, 0, 0, 1], error: .trailingBytes(.nack, count: 2)),
        Bad(name: "NACK reserved", bytes: [0x03, 0x00, 0x00, 0x0C, 0, 0, 0, 5, 1, 0, 0, 9, 0, 1, 0, 0], error: .invalidValue(.nack, value: 9)),
        Bad(name: "PLI reserved", bytes: [0x04, 0x00, 0x00, 0x08, 0, 0, 0, 5, 1, 1, 0, 0], error: .invalidValue(.pictureLossIndication, value: 0x10000)),
        Bad(name: "short ping", bytes: [0x05, 0x00, 0x00, 0x04, 0, 0, 0, 9], error: .truncated(.ping, needed: 12, available: 4)),
    ]

    @Test(arguments: bad)
    func invalidMessagesAreTyped(_ c: Bad) {
        #expect(throws: c.error) { try TrunkControlMessage.parseList(c.bytes) }
    }

    @Test func writerRefusesWhatCannotBeEncoded() {
        #expect(throws: TrunkWireError.invalidLength(.controlMessage, length: 0, allowed: 1...Int.max)) {
            try TrunkControlMessage.marshal([])
        }
        #expect(throws: TrunkWireError.invalidLength(.trackName, length: 0, allowed: 1...255)) {
            try TrunkControlMessage.marshal([.subscribe(TrunkSubscribe(trackID: 1, layers: 1, name: ""))])
        }
        #expect(throws: TrunkWireError.invalidLength(.trackName, length: 256, allowed: 1...255)) {
            try TrunkControlMessage.marshal([.subscribe(TrunkSubscribe(trackID: 1, layers: 1, name: String(repeating: "x", count: 256)))])
        }
        #expect(throws: TrunkWireError.invalidLength(.nack, length: 0, allowed: 1...16381)) {
            try TrunkControlMessage.marshal([.nack(TrunkNACK(trackID: 1, layer: 0, entries: []))])
        }
        #expect(throws: TrunkWireError.invalidValue(.controlMessage, value: 2)) {
            try TrunkControlMessage.marshal([.unknown(type: 2, body: [])])
        }
    }

    @Test func nackEntriesExpandToSequenceNumbers() {
        let nack = TrunkNACK(trackID: 1, layer: 0, entries: [TrunkNACKEntry(packetID: 65534, lostBitmask: 0b101)])
        #expect(nack.lostSequenceNumbers == [65534, 65535, 1])
        #expect(TrunkNACKEntry(packetID: 0, lostBitmask: 0xFFFF).sequenceNumbers == Array(0...16))
    }
}
