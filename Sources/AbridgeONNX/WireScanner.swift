/// A protobuf wire-format scanner that checks an ONNX file before protobuf-c sees it and
/// separates large tensor payloads from the small message skeleton.
///
/// protobuf-c has no nesting-depth limit (a crafted file overflows the stack), reports no
/// offsets on malformed input, cannot read a length-delimited field over 2 GiB, and always
/// copies `bytes` fields. The scanner walks the whole message tree with an explicit depth limit,
/// checks every tag, wire type and length against the bytes available (reporting the offset),
/// rejects groups, and replaces every `TensorProto.raw_data` payload of at least
/// `stripThreshold` bytes with a 24-byte placeholder (a per-load random nonce plus an index),
/// re-encoding the enclosing length prefixes. Only that skeleton is handed to protobuf-c; the
/// decoder then points each placeholder's tensor at its payload inside the memory mapping.
struct WireScanner {
    /// Nesting limit, as upb (Python protobuf) uses.
    static let maxDepth = 100
    static let placeholderCount = 24

    /// A payload left out of the skeleton: its position in the scanned buffer.
    struct Payload { var offset: Int; var count: Int }

    let bytes: UnsafeRawBufferPointer
    let path: String
    let stripThreshold: Int
    let nonce: [UInt8]
    private(set) var payloads: [Payload] = []

    init(bytes: UnsafeRawBufferPointer, path: String, stripThreshold: Int) {
        self.bytes = bytes; self.path = path; self.stripThreshold = stripThreshold
        var g = SystemRandomNumberGenerator()
        self.nonce = (0..<16).map { _ in UInt8.random(in: 0...255, using: &g) }
    }

    /// Scans `bytes` as a message of type `root`. Returns the skeleton, or nil when nothing was
    /// stripped (the original bytes can be unpacked as they are).
    /// - Throws: `ONNXError.invalidModel` with the offset of the first problem.
    mutating func scan(root: WireMessage) throws -> [UInt8]? {
        try rewrite(start: 0, end: bytes.count, type: root, depth: 1)
    }

    /// The placeholder for payload `index`.
    func placeholder(_ index: Int) -> [UInt8] {
        var p = nonce
        var i = UInt64(index)
        for _ in 0..<8 { p.append(UInt8(i & 0xff)); i >>= 8 }
        return p
    }

    /// The payload index a placeholder stands for, or nil when `data` is not a placeholder.
    func payloadIndex(of data: UnsafeRawBufferPointer) -> Int? {
        guard data.count == WireScanner.placeholderCount else { return nil }
        for k in 0..<16 where data[k] != nonce[k] { return nil }
        var i: UInt64 = 0
        for k in (16..<24).reversed() { i = i << 8 | UInt64(data[k]) }
        guard i < UInt64(payloads.count) else { return nil }
        return Int(i)
    }

    private func fail(_ offset: Int, _ reason: String) -> ONNXError {
        .invalidModel(path: path, reason: "\(reason) at byte offset \(offset)")
    }

    private func varint(_ pos: inout Int, end: Int) throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        let start = pos
        while true {
            guard pos < end else { throw fail(start, "truncated varint (the file may be truncated or is not an ONNX model)") }
            let b = bytes[pos]; pos += 1
            if shift == 63 && b > 1 { throw fail(start, "varint overflows 64 bits") }
            result |= UInt64(b & 0x7f) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw fail(start, "varint longer than 10 bytes") }
        }
    }

    /// Re-encodes the message in `start..<end` if any payload inside it was stripped.
    private mutating func rewrite(start: Int, end: Int, type: WireMessage, depth: Int) throws -> [UInt8]? {
        guard depth <= WireScanner.maxDepth else {
            throw fail(start, "messages nested more than \(WireScanner.maxDepth) levels deep")
        }
        let subs = type.messageFields
        var out: [UInt8]? = nil
        var copiedUpTo = start   // bytes before this offset are already in `out` (when out != nil)
        var pos = start
        while pos < end {
            let fieldStart = pos
            let tag = try varint(&pos, end: end)
            let wire = UInt32(tag & 7)
            let number = tag >> 3
            guard number > 0, number < (1 << 29) else { throw fail(fieldStart, "invalid field number \(number)") }
            switch wire {
            case 0: _ = try varint(&pos, end: end)
            case 1: guard end - pos >= 8 else { throw fail(pos, "truncated 64-bit field \(number)") }; pos += 8
            case 5: guard end - pos >= 4 else { throw fail(pos, "truncated 32-bit field \(number)") }; pos += 4
            case 2:
                let lengthOffset = pos
                let len = try varint(&pos, end: end)
                guard len <= UInt64(end - pos) else {
                    throw fail(lengthOffset, "field \(number) claims \(len) bytes but only \(end - pos) remain")
                }
                let payloadStart = pos, payloadEnd = pos + Int(len)
                pos = payloadEnd
                if type == .tensor && number == 9 && Int(len) >= stripThreshold {
                    // raw_data payload: keep it out of the skeleton.
                    if out == nil { out = [] ; out!.reserveCapacity(1024) }
                    appendOriginal(&out!, copiedUpTo, fieldStart)
                    out!.append(contentsOf: encodeVarint(tag))
                    out!.append(contentsOf: encodeVarint(UInt64(WireScanner.placeholderCount)))
                    out!.append(contentsOf: placeholder(payloads.count))
                    payloads.append(Payload(offset: payloadStart, count: Int(len)))
                    copiedUpTo = payloadEnd
                    continue
                }
                if let sub = subs[UInt32(number)] {
                    if let inner = try rewrite(start: payloadStart, end: payloadEnd, type: sub, depth: depth + 1) {
                        if out == nil { out = [] ; out!.reserveCapacity(1024) }
                        appendOriginal(&out!, copiedUpTo, fieldStart)
                        out!.append(contentsOf: encodeVarint(tag))
                        out!.append(contentsOf: encodeVarint(UInt64(inner.count)))
                        out!.append(contentsOf: inner)
                        copiedUpTo = payloadEnd
                        continue
                    }
                }
                if len > UInt64(Int32.max) {
                    throw ONNXError.unsupported(path: path, reason: "field \(number) at byte offset \(fieldStart) is \(len) bytes; protobuf fields over 2 GiB cannot be read (store large tensors as external data)")
                }
            case 3, 4:
                throw fail(fieldStart, "field \(number) uses the deprecated group encoding (wire type \(wire)), which ONNX never writes")
            default:
                throw fail(fieldStart, "invalid wire type \(wire) for field \(number)")
            }
            if let sub = subs[UInt32(number)], wire != 2 {
                throw fail(fieldStart, "field \(number) should hold a \(sub) message but has wire type \(wire)")
            }
        }
        guard pos == end else { throw fail(pos, "message overruns its enclosing length") }
        if out != nil { appendOriginal(&out!, copiedUpTo, end) }
        return out
    }

    private func appendOriginal(_ out: inout [UInt8], _ from: Int, _ to: Int) {
        guard to > from else { return }
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[from..<to]))
    }
}

/// The protobuf varint encoding of `v`.
func encodeVarint(_ v: UInt64) -> [UInt8] {
    var v = v
    var out: [UInt8] = []
    while v >= 0x80 { out.append(UInt8(v & 0x7f) | 0x80); v >>= 7 }
    out.append(UInt8(v))
    return out
}
