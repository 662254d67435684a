/// One RFC 8285 header extension element, owned (for building packets).
public struct RTPHeaderExtension: Sendable, Hashable {
    /// The negotiated local identifier (`a=extmap`).
    public var id: UInt8
    /// The element's value bytes.
    public var value: [UInt8]

    /// An element with `id` and `value`.
    public init(id: UInt8, value: [UInt8]) {
        self.id = id
        self.value = value
    }
}

/// The header extension block of an ``RTPHeader`` (RFC 3550 §5.3.1, RFC 8285).
public enum RTPHeaderExtensions: Sendable, Hashable {
    /// No extension (X=0).
    case none
    /// One-byte elements (profile 0xBEDE): ids 1...14, values 1...16 bytes.
    case oneByte([RTPHeaderExtension])
    /// Two-byte elements (profile 0x100X): ids 1...255, values 0...255 bytes.
    case twoByte([RTPHeaderExtension], appBits: UInt8)
    /// A non-RFC 8285 profile with opaque data (a multiple of 4 bytes).
    case opaque(profile: UInt16, data: [UInt8])

    /// Chooses the one-byte form when every element fits it, else two-byte
    /// (RFC 8285 §4.1); `.none` for no elements.
    public static func automatic(_ elements: [RTPHeaderExtension]) -> RTPHeaderExtensions {
        if elements.isEmpty { return .none }
        let fitsOneByte = elements.allSatisfy { (1...14).contains($0.id) && (1...16).contains($0.value.count) }
        return fitsOneByte ? .oneByte(elements) : .twoByte(elements, appBits: 0)
    }

    /// The elements (empty for `.none` and `.opaque`).
    public var elements: [RTPHeaderExtension] {
        switch self {
        case .oneByte(let e), .twoByte(let e, _): return e
        case .none, .opaque: return []
        }
    }

    /// The value of the first element with `id`.
    public func value(id: UInt8) -> [UInt8]? {
        elements.first { $0.id == id }?.value
    }

    /// Bytes this block occupies, including its 4-byte profile/length word
    /// (0 for `.none`).
    public var marshalSize: Int {
        switch self {
        case .none: return 0
        case .oneByte(let e): return 4 + roundUpToWord(e.reduce(0) { $0 + 1 + $1.value.count })
        case .twoByte(let e, _): return 4 + roundUpToWord(e.reduce(0) { $0 + 2 + $1.value.count })
        case .opaque(_, let data): return 4 + data.count
        }
    }

    /// Checks ids, value sizes and total length against the chosen form.
    func validate() throws(RTPError) {
        switch self {
        case .none: return
        case .oneByte(let e):
            for element in e {
                guard (1...14).contains(element.id) else { throw .invalidValue(.headerExtensionElement, value: Int(element.id)) }
                guard (1...16).contains(element.value.count) else {
                    throw .invalidValue(.headerExtensionElement, value: element.value.count)
                }
            }
        case .twoByte(let e, let appBits):
            guard appBits < 16 else { throw .invalidValue(.headerExtension, value: Int(appBits)) }
            for element in e {
                guard element.id != 0 else { throw .invalidValue(.headerExtensionElement, value: 0) }
                guard element.value.count <= 255 else {
                    throw .invalidValue(.headerExtensionElement, value: element.value.count)
                }
            }
        case .opaque(let profile, let data):
            let form = RTPHeaderExtensionForm(profile: profile)
            guard case .opaque = form else { throw .invalidValue(.headerExtension, value: Int(profile)) }
            guard data.count % 4 == 0 else { throw .invalidValue(.headerExtension, value: data.count) }
        }
        guard marshalSize - 4 <= 0xFFFF * 4 else {
            throw .tooManyItems(.headerExtension, count: marshalSize - 4, limit: 0xFFFF * 4)
        }
    }

    /// Writes the block at `offset` (the caller checked the size and called
    /// `validate()`); returns the bytes written.
    func write(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) -> Int {
        let size = marshalSize
        guard size > 0 else { return 0 }
        buffer.put16(UInt16(truncatingIfNeeded: (size - 4) / 4), offset + 2)
        var o = offset + 4
        switch self {
        case .none: return 0
        case .oneByte(let e):
            buffer.put16(RTPHeaderExtensionForm.oneByteProfile, offset)
            for element in e {
                buffer.put8(element.id << 4 | UInt8(truncatingIfNeeded: element.value.count - 1), o)
                buffer.putBytes(element.value, o + 1)
                o += 1 + element.value.count
            }
        case .twoByte(let e, let appBits):
            buffer.put16(RTPHeaderExtensionForm.twoByteProfile | UInt16(appBits & 0x0F), offset)
            for element in e {
                buffer.put8(element.id, o)
                buffer.put8(UInt8(truncatingIfNeeded: element.value.count), o + 1)
                buffer.putBytes(element.value, o + 2)
                o += 2 + element.value.count
            }
        case .opaque(let profile, let data):
            buffer.put16(profile, offset)
            buffer.putBytes(data, o)
            o += data.count
        }
        buffer.zero(o, offset + size - o)
        return size
    }

    /// Copies the extension block of a parsed packet.
    init(view: RTPHeaderView, packet: UnsafeRawBufferPointer) {
        switch view.extensionForm {
        case .none:
            self = .none
        case .opaque(let profile):
            let end = view.extensionOffset + view.extensionLength
            self = end <= packet.count ? .opaque(profile: profile, data: packet.bytes(view.extensionOffset, view.extensionLength)) : .none
        case .oneByte, .twoByte:
            var elements: [RTPHeaderExtension] = []
            var iterator = view.extensionElements(in: packet)
            while let ref = iterator.next() {
                elements.append(RTPHeaderExtension(id: ref.id, value: packet.bytes(ref.offset, ref.length)))
            }
            if case .twoByte(let appBits) = view.extensionForm {
                self = .twoByte(elements, appBits: appBits)
            } else {
                self = .oneByte(elements)
            }
        }
    }
}
