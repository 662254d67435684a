/// A packet's arrival as seen by the receiver, input to the feedback builder.
public struct TransportCCArrival: Sendable, Hashable {
    /// The packet's transport-wide sequence number.
    public var sequenceNumber: UInt16
    /// Arrival time in microseconds on the receiver's clock (non-negative).
    public var arrivalMicroseconds: Int64

    /// An arrival record.
    public init(sequenceNumber: UInt16, arrivalMicroseconds: Int64) {
        self.sequenceNumber = sequenceNumber
        self.arrivalMicroseconds = arrivalMicroseconds
    }
}

/// One reported packet decoded from feedback.
public struct TransportCCPacketStatus: Sendable, Hashable {
    /// Transport-wide sequence number.
    public var sequenceNumber: UInt16
    /// Arrival time in microseconds (reference time plus accumulated deltas),
    /// or `nil` if the packet was not received.
    public var arrivalMicroseconds: Int64?
}

extension TransportLayerCC {
    /// Every reported packet in order, with arrival times rebuilt from the
    /// reference time and the receive deltas.
    public var packetStatuses: [TransportCCPacketStatus] {
        var out: [TransportCCPacketStatus] = []
        out.reserveCapacity(Int(packetStatusCount))
        var time = Int64(referenceTime) * Self.referenceTimeMicroseconds
        var seq = baseSequenceNumber
        var remaining = Int(packetStatusCount)
        var deltaIndex = 0
        for chunk in chunks {
            let n = min(chunk.symbolCount, remaining)
            for i in 0..<n {
                let symbol = chunk.rawSymbol(at: i)
                var arrival: Int64?
                if symbol == 1 || symbol == 2, deltaIndex < receiveDeltas.count {
                    time += Int64(receiveDeltas[deltaIndex]) * Self.deltaTickMicroseconds
                    deltaIndex += 1
                    arrival = time
                }
                out.append(TransportCCPacketStatus(sequenceNumber: seq, arrivalMicroseconds: arrival))
                seq &+= 1
            }
            remaining -= n
        }
        return out
    }

    /// Builds feedback for `arrivals`, which must be in increasing
    /// (wrap-aware) sequence order; gaps are reported as not received. The
    /// base is the first arrival's sequence number and the reference time its
    /// arrival time rounded down to 64 ms.
    ///
    /// - Throws: `invalidValue(.transportLayerCC, …)` for an empty, unordered
    ///   or negative-time input; `invalidValue(.receiveDelta, …)` if two
    ///   consecutive arrivals are further apart than a 16-bit delta allows.
    public init(
        senderSSRC: SSRC, mediaSSRC: SSRC, feedbackPacketCount: UInt8, arrivals: [TransportCCArrival]
    ) throws(RTPError) {
        guard let first = arrivals.first else { throw .invalidValue(.transportLayerCC, value: 0) }
        guard first.arrivalMicroseconds >= 0 else {
            throw .invalidValue(.transportLayerCC, value: Int(truncatingIfNeeded: first.arrivalMicroseconds))
        }
        let reference = first.arrivalMicroseconds / Self.referenceTimeMicroseconds
        var previousTicks = reference * (Self.referenceTimeMicroseconds / Self.deltaTickMicroseconds)
        var symbols: [PacketStatusSymbol] = []
        var deltas: [Int16] = []
        deltas.reserveCapacity(arrivals.count)
        var expected = first.sequenceNumber
        for (index, arrival) in arrivals.enumerated() {
            if index > 0 {
                let previous = arrivals[index - 1].sequenceNumber
                guard SerialNumber.isNewer(arrival.sequenceNumber, than: previous) else {
                    throw .invalidValue(.transportLayerCC, value: Int(arrival.sequenceNumber))
                }
            }
            while expected != arrival.sequenceNumber {
                symbols.append(.notReceived)
                expected &+= 1
            }
            guard arrival.arrivalMicroseconds >= 0 else {
                throw .invalidValue(.transportLayerCC, value: Int(truncatingIfNeeded: arrival.arrivalMicroseconds))
            }
            let ticks = arrival.arrivalMicroseconds / Self.deltaTickMicroseconds
            let delta = ticks - previousTicks
            guard delta >= Int64(Int16.min), delta <= Int64(Int16.max) else {
                throw .invalidValue(.receiveDelta, value: Int(truncatingIfNeeded: delta))
            }
            previousTicks = ticks
            symbols.append((0...255).contains(delta) ? .receivedSmallDelta : .receivedLargeDelta)
            deltas.append(Int16(truncatingIfNeeded: delta))
            expected &+= 1
        }
        guard symbols.count <= Int(UInt16.max) else {
            throw .tooManyItems(.transportLayerCC, count: symbols.count, limit: Int(UInt16.max))
        }
        self.init(
            senderSSRC: senderSSRC, mediaSSRC: mediaSSRC, baseSequenceNumber: first.sequenceNumber,
            packetStatusCount: UInt16(truncatingIfNeeded: symbols.count),
            referenceTime: UInt32(truncatingIfNeeded: reference) & 0xFF_FFFF,
            feedbackPacketCount: feedbackPacketCount, chunks: try Self.encodeChunks(symbols), receiveDeltas: deltas)
    }

    /// Packs statuses into chunks: runs of 14 or more equal statuses become
    /// run length chunks, the rest 1-bit vectors (14 statuses) when no large
    /// delta is among them, else 2-bit vectors (7 statuses).
    static func encodeChunks(_ symbols: [PacketStatusSymbol]) throws(RTPError) -> [PacketStatusChunk] {
        var chunks: [PacketStatusChunk] = []
        var i = 0
        while i < symbols.count {
            var run = 1
            while i + run < symbols.count, run < 0x1FFF, symbols[i + run] == symbols[i] { run += 1 }
            if run >= 14 {
                chunks.append(try .runLength(symbols[i], count: run))
                i += run
                continue
            }
            let wide = symbols[i..<min(i + 14, symbols.count)]
            if !wide.contains(.receivedLargeDelta) {
                chunks.append(try .oneBitVector(Array(wide)))
                i += wide.count
            } else {
                // Always a 2-bit vector here, even if these 7 would fit 1-bit:
                // a 1-bit vector would claim 14 statuses.
                let narrow = symbols[i..<min(i + 7, symbols.count)]
                chunks.append(try .twoBitVector(Array(narrow)))
                i += narrow.count
            }
        }
        return chunks
    }
}
