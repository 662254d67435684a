import Testing

@testable import ControlPlane

@Suite("WebSocket message assembly and rate limit")
struct FramingTests {
    @Test func fragmentsAreJoined() {
        var assembler = MessageAssembler(limit: 16)
        let first = assembler.add(kind: .text, fin: false, payload: Array("{\"ty".utf8))
        let second = assembler.add(kind: .continuation, fin: false, payload: Array("pe\":".utf8))
        let last = assembler.add(kind: .continuation, fin: true, payload: Array("1}".utf8))
        #expect(first == nil)
        #expect(second == nil)
        #expect(last == .text(Array("{\"type\":1}".utf8)))
    }

    @Test(arguments: [(16, false), (17, true)])
    func sizeLimitIsInclusive(size: Int, tooLarge: Bool) {
        var assembler = MessageAssembler(limit: 16)
        let outcome = assembler.add(kind: .text, fin: true, payload: [UInt8](repeating: 0x61, count: size))
        #expect(outcome == (tooLarge ? .tooLarge(bytes: size, limit: 16) : .text([UInt8](repeating: 0x61, count: size))))
    }

    @Test func oversizedFragmentsAreDiscardedAndTheNextMessageWorks() {
        var assembler = MessageAssembler(limit: 8)
        _ = assembler.add(kind: .text, fin: false, payload: [UInt8](repeating: 0x61, count: 6))
        _ = assembler.add(kind: .continuation, fin: false, payload: [UInt8](repeating: 0x61, count: 6))
        let end = assembler.add(kind: .continuation, fin: true, payload: [0x61])
        #expect(end == .tooLarge(bytes: 13, limit: 8))
        let next = assembler.add(kind: .text, fin: true, payload: Array("ok".utf8))
        #expect(next == .text(Array("ok".utf8)))
    }

    @Test func binaryAndStrayContinuation() {
        var assembler = MessageAssembler(limit: 8)
        let stray = assembler.add(kind: .continuation, fin: true, payload: [1])
        let binary = assembler.add(kind: .binary, fin: true, payload: [1, 2, 3])
        #expect(stray == .unexpectedContinuation)
        #expect(binary == .binary(bytes: 3))
    }

    @Test func tokenBucket() {
        let start = ContinuousClock.now
        var limiter = RateLimiter(perSecond: 2, burst: 3)
        var allowed: [Bool] = []
        for _ in 0..<4 { allowed.append(limiter.allow(at: start)) }
        #expect(allowed == [true, true, true, false])
        let halfSecond = limiter.allow(at: start + .milliseconds(500))  // one token refilled
        let again = limiter.allow(at: start + .milliseconds(500))
        #expect(halfSecond)
        #expect(!again)
        let later = limiter.allow(at: start + .seconds(10))  // refill caps at the burst
        #expect(later)
        var burst = 1
        while limiter.allow(at: start + .seconds(10)) { burst += 1 }
        #expect(burst == 3)
    }

    @Test(arguments: [
        ("/v1/rtc?access_token=a.b.c&auto_subscribe=false", "access_token", "a.b.c"),
        ("/v1/rtc?rtt=us-west%3A23%2Ceu-central%3A88", "rtt", "us-west:23,eu-central:88"),
        ("/x?a=1&a=2", "a", "1"),
        ("/x?name=a+b%zz", "name", "a b%zz"),
        ("/x?flag", "flag", ""),
        ("/x?a=1#frag=2", "frag", nil as String?),
    ])
    func queryParameters(target: String, name: String, value: String?) {
        #expect(QueryString(target: target)[name] == value)
    }

    @Test func bearerTokens() {
        #expect(HTTPRoutes.token(target: "/v1/rtc", authorization: "Bearer abc") == "abc")
        #expect(HTTPRoutes.token(target: "/v1/rtc", authorization: "bearer  abc ") == "abc")
        #expect(HTTPRoutes.token(target: "/v1/rtc", authorization: "Basic abc") == nil)
        #expect(HTTPRoutes.token(target: "/v1/rtc?access_token=q", authorization: "Bearer h") == "q")
    }
}
