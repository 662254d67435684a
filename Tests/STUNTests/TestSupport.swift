@testable import STUN

/// Bytes from a hex string; whitespace and `#` comments to the end of a line are ignored.
/// Test-only: traps on bad input.
func hex(_ text: String) -> [UInt8] {
    let code = text.split(separator: "\n").map { line in line.split(separator: "#", maxSplits: 1).first ?? "" }
    let digits = code.joined().filter { !$0.isWhitespace }.map { $0 }
    precondition(digits.count % 2 == 0, "odd hex length")
    return stride(from: 0, to: digits.count, by: 2).map { index in
        guard let byte = UInt8(String(digits[index...index + 1]), radix: 16) else {
            preconditionFailure("bad hex \(digits[index...index + 1])")
        }
        return byte
    }
}

/// Lowercase hex of `bytes`.
func hexString(_ bytes: [UInt8]) -> String {
    bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}

/// Parses `bytes`, returning the error or nil.
func parseError(_ bytes: [UInt8]) -> STUNError? {
    do {
        _ = try STUNMessage(parsing: bytes)
        return nil
    } catch {
        return error
    }
}

/// The transaction ID of the RFC 5769 samples §2.1–§2.3.
let rfc5769TransactionID = STUNTransactionID(hex("b7e7a701 bc34d686 fa87dfae"))!
