import CHiredis

/// A command's arguments packed into one buffer, ready for `redisAppendCommandArgv`.
///
/// Packing happens on the caller's task so the connection thread only copies
/// pointers; argument bytes are never interpreted, so any byte value is safe.
struct EncodedCommand: Sendable {
    /// All argument bytes back to back, plus one trailing pad byte so the
    /// buffer is never empty (an empty argument still needs a valid pointer).
    private var storage: [UInt8]
    /// The length of each argument in `storage`, in order.
    private var lengths: [Int]
    /// The command name (first argument) for error messages.
    let name: String

    /// Packs `arguments`; the first one is the command name.
    init(_ arguments: [RedisArgument]) throws(RedisError) {
        guard let first = arguments.first else {
            throw .invalidArgument(reason: "a command needs at least its name", size: 0)
        }
        guard arguments.count <= Int(Int32.max) else {
            throw .invalidArgument(reason: "too many arguments", size: arguments.count)
        }
        var total = 1
        for argument in arguments {
            let (sum, overflow) = total.addingReportingOverflow(argument.byteCount)
            guard !overflow else { throw .invalidArgument(reason: "arguments too large", size: argument.byteCount) }
            total = sum
        }
        var storage: [UInt8] = []
        storage.reserveCapacity(total)
        var lengths: [Int] = []
        lengths.reserveCapacity(arguments.count)
        for argument in arguments {
            switch argument {
            case .bytes(let bytes): storage.append(contentsOf: bytes)
            case .string(let text): storage.append(contentsOf: text.utf8)
            }
            lengths.append(argument.byteCount)
        }
        storage.append(0)
        self.storage = storage
        self.lengths = lengths
        switch first {
        case .string(let text): self.name = String(text.prefix(32)).uppercased()
        case .bytes(let bytes): self.name = String(decoding: bytes.prefix(32), as: UTF8.self).uppercased()
        }
    }

    /// Calls `body` with `argc`, `argv` and `argvlen` as hiredis wants them.
    /// The pointers are valid only inside `body`.
    func withArgv<R>(
        _ body: (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) -> R
    ) -> R {
        storage.withUnsafeBytes { raw in
            // `storage` always holds the pad byte, so the base address exists.
            let base = raw.baseAddress.unsafelyUnwrapped
            var pointers: [UnsafePointer<CChar>?] = []
            pointers.reserveCapacity(lengths.count)
            var offset = 0
            for length in lengths {
                pointers.append((base + offset).assumingMemoryBound(to: CChar.self))
                offset += length
            }
            return pointers.withUnsafeMutableBufferPointer { argv in
                lengths.withUnsafeBufferPointer { argvlen in
                    // Both arrays hold `lengths.count` (≥ 1) elements, checked ≤ Int32.max in init.
                    body(Int32(truncatingIfNeeded: lengths.count),
                         argv.baseAddress.unsafelyUnwrapped,
                         argvlen.baseAddress.unsafelyUnwrapped)
                }
            }
        }
    }
}
