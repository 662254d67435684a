import Testing
@testable import RTP

struct SerialNumberTests {
    static let cases: [(UInt16, UInt16, Bool)] = [
        (1, 0, true),
        (0, 65535, true),  // wrapped forward
        (65535, 0, false),
        (5, 5, false),
        (0x8000, 0, true),  // exactly half: the larger value is newer
        (0, 0x8000, false),
        (100, 0x8000 + 101, true),
    ]

    @Test(arguments: cases)
    func isNewer16(_ a: UInt16, _ b: UInt16, _ newer: Bool) {
        #expect(SerialNumber.isNewer(a, than: b) == newer)
    }

    @Test func isNewer32AndDistances() {
        #expect(SerialNumber.isNewer(UInt32(10), than: UInt32.max - 10))
        #expect(!SerialNumber.isNewer(UInt32.max - 10, than: UInt32(10)))
        #expect(SerialNumber.distance(from: UInt16(65534), to: UInt16(2)) == 4)
        #expect(SerialNumber.distance(from: UInt16(2), to: UInt16(65534)) == -4)
        #expect(SerialNumber.distance(from: UInt32.max, to: UInt32(0)) == 1)
        #expect(SerialNumber.distance(from: UInt32(3000), to: UInt32(0)) == -3000)
    }

    @Test func sequenceUnwrapperCountsCycles() {
        var u = SequenceUnwrapper()
        let input: [UInt16] = [65533, 65534, 65535, 0, 65534, 1, 2, 65535, 3]
        let extended = input.map { u.unwrap($0) }
        #expect(extended == [65533, 65534, 65535, 65536, 65534, 65537, 65538, 65535, 65539])
        #expect(u.highestExtended == 65539)
    }

    @Test func sequenceUnwrapperManyCycles() {
        var u = SequenceUnwrapper()
        var seq: UInt16 = 0
        var last: Int64 = 0
        for _ in 0..<(3 * 65536 / 1000) {
            seq &+= 1000
            last = u.unwrap(seq)
        }
        #expect(last == Int64(3 * 65536 / 1000) * 1000 - 1000 + 1000)
    }

    @Test func timestampUnwrapper() {
        var u = TimestampUnwrapper()
        #expect(u.unwrap(UInt32.max - 1) == Int64(UInt32.max) - 1)
        #expect(u.unwrap(2) == Int64(UInt32.max) + 3)
        #expect(u.unwrap(UInt32.max) == Int64(UInt32.max))  // reordered
    }
}
