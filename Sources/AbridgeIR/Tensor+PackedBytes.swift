/// Conversion of any tensor representation to canonical `raw_data` bytes.
extension Tensor {
    /// The data as canonical little-endian `raw_data` bytes (sub-byte types packed low bits first),
    /// converting typed fields as `onnx.numpy_helper.to_array` does (ONNX IR.md, "Tensor data").
    /// - Throws: `IRError.invalidTensor` when the byte count does not match dims and type, the
    ///   type is STRING or unknown, or the typed field does not suit the type.
    public func packedBytes() throws -> TensorBytes {
        let label = name ?? "<unnamed>"
        let type = elementType
        guard type != .string else { throw IRError.invalidTensor(name: label, reason: "STRING tensors have no raw bytes") }
        guard let expected = expectedByteCount else {
            throw IRError.invalidTensor(name: label, reason: "dims \(dims) with type \(type) give no valid byte count (negative dim, overflow or unknown type)")
        }
        let n = elementCount ?? 0
        func check(_ b: TensorBytes) throws -> TensorBytes {
            guard b.count == expected else {
                throw IRError.invalidTensor(name: label, reason: "holds \(b.count) bytes but dims \(dims) of \(type) need \(expected)")
            }
            return b
        }
        func mismatch(_ field: String, _ count: Int, _ want: Int) -> IRError {
            .invalidTensor(name: label, reason: "\(field) has \(count) values but dims \(dims) of \(type) need \(want)")
        }
        switch content {
        case .none:
            if usesExternalData { throw IRError.invalidTensor(name: label, reason: "external data was not loaded") }
            return try check(.empty)
        case .raw(let b):
            return try check(b)
        case .floatData(let a):
            let want = type.isComplex ? n * 2 : n
            guard type == .float || type == .complex64 else { throw IRError.invalidTensor(name: label, reason: "float_data cannot hold \(type)") }
            guard a.count == want else { throw mismatch("float_data", a.count, want) }
            return .owned(a.withUnsafeBytes { Array($0) })
        case .doubleData(let a):
            let want = type.isComplex ? n * 2 : n
            guard type == .double || type == .complex128 else { throw IRError.invalidTensor(name: label, reason: "double_data cannot hold \(type)") }
            guard a.count == want else { throw mismatch("double_data", a.count, want) }
            return .owned(a.withUnsafeBytes { Array($0) })
        case .int64Data(let a):
            guard type == .int64 else { throw IRError.invalidTensor(name: label, reason: "int64_data cannot hold \(type)") }
            guard a.count == n else { throw mismatch("int64_data", a.count, n) }
            return .owned(a.withUnsafeBytes { Array($0) })
        case .uint64Data(let a):
            guard type == .uint64 || type == .uint32 else { throw IRError.invalidTensor(name: label, reason: "uint64_data cannot hold \(type)") }
            guard a.count == n else { throw mismatch("uint64_data", a.count, n) }
            if type == .uint64 { return .owned(a.withUnsafeBytes { Array($0) }) }
            return .owned(a.map { UInt32(truncatingIfNeeded: $0) }.withUnsafeBytes { Array($0) })
        case .stringData:
            throw IRError.invalidTensor(name: label, reason: "string_data cannot hold \(type)")
        case .int32Data(let a):
            return try check(.owned(Tensor.unpackInt32Data(a, type: type, count: n, label: label)))
        }
    }

    /// Converts `int32_data` to raw bytes. Per the spec, each int32 holds one element's bit
    /// pattern for 8- and 16-bit types; for 4-bit types each int32 holds one packed byte (two
    /// elements); for 2-bit types one packed byte (four elements).
    static func unpackInt32Data(_ a: [Int32], type: DataType, count n: Int, label: String) throws -> [UInt8] {
        guard let bits = type.bitWidth, type != .int64, type != .double, type != .uint64, type != .uint32,
              type != .complex64, type != .complex128, type != .float else {
            throw IRError.invalidTensor(name: label, reason: "int32_data cannot hold \(type)")
        }
        switch bits {
        case 32:
            guard a.count == n else { throw IRError.invalidTensor(name: label, reason: "int32_data has \(a.count) values, need \(n)") }
            return a.withUnsafeBytes { Array($0) }
        case 16:
            guard a.count == n else { throw IRError.invalidTensor(name: label, reason: "int32_data has \(a.count) values, need \(n)") }
            var out = [UInt8](); out.reserveCapacity(n * 2)
            for v in a { let u = UInt16(truncatingIfNeeded: v); out.append(UInt8(u & 0xff)); out.append(UInt8(u >> 8)) }
            return out
        case 8:
            guard a.count == n else { throw IRError.invalidTensor(name: label, reason: "int32_data has \(a.count) values, need \(n)") }
            return a.map { UInt8(truncatingIfNeeded: $0) }
        case 6:
            // 6-bit floats: one element per int32 (low 6 bits), packed into an LSB-first bit stream.
            guard a.count == n else { throw IRError.invalidTensor(name: label, reason: "int32_data has \(a.count) values, need \(n)") }
            var out = [UInt8](repeating: 0, count: type.byteCount(forElements: n) ?? 0)
            for (i, v) in a.enumerated() {
                let code = UInt16(UInt8(truncatingIfNeeded: v) & 0x3f)
                let bit = i * 6, byte = bit / 8, shift = bit % 8
                let word = code << UInt16(shift)
                out[byte] |= UInt8(word & 0xff)
                if word > 0xff, byte + 1 < out.count { out[byte + 1] |= UInt8(word >> 8) }
            }
            return out
        default:
            // 4-bit and 2-bit: each int32 is one packed byte.
            let want = type.byteCount(forElements: n) ?? 0
            guard a.count == want else { throw IRError.invalidTensor(name: label, reason: "int32_data has \(a.count) packed bytes, need \(want)") }
            return a.map { UInt8(truncatingIfNeeded: $0) }
        }
    }
}
