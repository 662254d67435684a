import Testing
@testable import RTP

/// Calls `parse` on every strict prefix of `bytes` and returns the prefix
/// lengths that did NOT throw (callers assert on that list).
func prefixesAccepted<T>(_ bytes: [UInt8], _ parse: (UnsafeRawBufferPointer) throws(RTPError) -> T) -> [Int] {
    var accepted: [Int] = []
    for length in 0..<bytes.count {
        let prefix = Array(bytes[0..<length])
        let ok = prefix.withUnsafeBytes { buffer in
            do throws(RTPError) {
                _ = try parse(buffer)
                return true
            } catch {
                return false
            }
        }
        if ok { accepted.append(length) }
    }
    return accepted
}

/// Runs a typed-throwing parse over an array's bytes.
func parse<T>(_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(RTPError) -> T) throws(RTPError) -> T {
    let result: Result<T, RTPError> = bytes.withUnsafeBytes { buffer in
        Result { () throws(RTPError) -> T in try body(buffer) }
    }
    return try result.get()
}

/// The error `body` throws, or `nil`.
func caughtError(_ body: () throws(RTPError) -> Void) -> RTPError? {
    do throws(RTPError) {
        try body()
        return nil
    } catch {
        return error
    }
}

/// Writes a packet with `write(into:)` into a buffer of exactly `size` bytes.
func written(size: Int, _ write: (UnsafeMutableRawBufferPointer) throws(RTPError) -> Int) throws(RTPError) -> [UInt8] {
    var out = [UInt8](repeating: 0xEE, count: size)
    let result: Result<Int, RTPError> = out.withUnsafeMutableBytes { buffer in
        Result { () throws(RTPError) -> Int in try write(buffer) }
    }
    let n = try result.get()
    return Array(out[0..<n])
}
