import AbridgeIR

/// Conversion between stored tensors (`AbridgeIR.Tensor`, packed `raw_data` layout) and runtime
/// tensors (one element per storage unit; see `RuntimeTensor`).
public enum TensorConversion {
    /// The runtime form of a stored tensor. Fixed-width data are borrowed without a copy when
    /// aligned; sub-byte types are unpacked (low bits first, ONNX IR.md); BOOL bytes are
    /// normalized to 0/1; STRING elements are decoded as UTF-8 (invalid sequences repaired).
    /// - Throws: `IRError.invalidTensor` when the data do not match type and shape;
    ///   `RuntimeError.unsupportedType` for types the runtime cannot hold.
    public static func runtimeTensor(from t: Tensor) throws -> RuntimeTensor {
        guard let dims = t.dims.map({ Int(exactly: $0) }) as? [Int], dims.allSatisfy({ $0 >= 0 }) else {
            throw IRError.invalidTensor(name: t.name ?? "", reason: "invalid dims \(t.dims)")
        }
        let type = t.elementType
        if type == .string {
            guard case .stringData(let items) = t.content else {
                if case .none = t.content, (t.elementCount ?? 0) == 0 { return RuntimeTensor(strings: [], shape: dims) }
                throw IRError.invalidTensor(name: t.name ?? "", reason: "STRING tensor without string_data")
            }
            guard items.count == t.elementCount else {
                throw IRError.invalidTensor(name: t.name ?? "", reason: "string_data has \(items.count) elements, dims need \(t.elementCount ?? 0)")
            }
            return RuntimeTensor(strings: items.map { String(decoding: $0, as: UTF8.self) }, shape: dims)
        }
        guard RuntimeTensor.elementSize(type) != nil, let bits = type.bitWidth else {
            throw RuntimeError.unsupportedType(type, context: "tensor '\(t.name ?? "")'")
        }
        let bytes = try t.packedBytes()
        let n = t.elementCount ?? 0
        if bits < 8 {
            let out = try RuntimeTensor.allocate(type, dims)
            bytes.withUnsafeBytes { src in
                out.withUnsafeMutableBuffer(as: UInt8.self) { dst in
                    for i in 0..<n {
                        let bit = i * bits
                        var v = UInt16(src[bit / 8]) >> UInt16(bit % 8)
                        if bit % 8 + bits > 8, bit / 8 + 1 < src.count { v |= UInt16(src[bit / 8 + 1]) << UInt16(8 - bit % 8) }
                        var code = UInt8(truncatingIfNeeded: v) & UInt8((1 << bits) - 1)
                        if (type == .int4 || type == .int2) && code & UInt8(1 << (bits - 1)) != 0 {
                            code |= ~UInt8((1 << bits) - 1)   // sign-extend
                        }
                        dst[i] = code
                    }
                }
            }
            return out
        }
        if type == .bool {
            let out = try RuntimeTensor.allocate(.bool, dims)
            bytes.withUnsafeBytes { src in
                out.withUnsafeMutableBuffer(as: UInt8.self) { dst in for i in 0..<n { dst[i] = src[i] != 0 ? 1 : 0 } }
            }
            return out
        }
        return RuntimeTensor(dataType: type, shape: dims, storage: TensorStorage(borrowing: bytes))
    }

    /// The dense form of a sparse tensor: zeros except `values` at `indices` (`[NNZ]`
    /// linearized row-major, or `[NNZ, rank]` coordinates), as ONNX IR.md defines.
    /// - Throws: `IRError.invalidTensor` for out-of-range or malformed indices.
    public static func densify(_ s: SparseTensor) throws -> RuntimeTensor {
        guard let valuesT = s.values else { throw IRError.invalidTensor(name: "", reason: "sparse tensor without values") }
        let name = valuesT.name ?? ""
        let values = try runtimeTensor(from: valuesT)
        guard let size = RuntimeTensor.elementSize(values.dataType) else { throw RuntimeError.unsupportedType(values.dataType, context: "sparse tensor '\(name)'") }
        let dims = s.dims.map { Int(clamping: $0) }
        guard dims.allSatisfy({ $0 >= 0 }) else { throw IRError.invalidTensor(name: name, reason: "negative dims \(s.dims)") }
        let out = try RuntimeTensor.allocate(values.dataType, dims)
        memset(out.storage.base, 0, out.storage.byteCount)
        let total = out.count
        let nnz = values.count
        guard nnz > 0 else { return out }
        guard let indicesT = s.indices else { throw IRError.invalidTensor(name: name, reason: "sparse tensor without indices") }
        let idx = try runtimeTensor(from: indicesT).int64Values()
        var linear = [Int](repeating: 0, count: nnz)
        if idx.count == nnz {
            for i in 0..<nnz { linear[i] = Int(clamping: idx[i]) }
        } else if idx.count == nnz * dims.count {
            for i in 0..<nnz {
                var l = 0
                for d in 0..<dims.count {
                    let c = Int(clamping: idx[i * dims.count + d])
                    guard c >= 0 && c < dims[d] else { throw IRError.invalidTensor(name: name, reason: "index \(c) out of range for dimension \(d) of size \(dims[d])") }
                    l = l * dims[d] + c
                }
                linear[i] = l
            }
        } else {
            throw IRError.invalidTensor(name: name, reason: "indices have \(idx.count) elements; expected \(nnz) or \(nnz * dims.count)")
        }
        for i in 0..<nnz {
            let l = linear[i]
            guard l >= 0 && l < total else { throw IRError.invalidTensor(name: name, reason: "linear index \(l) out of range [0, \(total))") }
            (out.storage.base + l * size).copyMemory(from: values.storage.base + i * size, byteCount: size)
        }
        return out
    }

    /// The stored form of a runtime tensor (`raw_data`, or `string_data` for STRING), with
    /// sub-byte types packed low bits first.
    public static func tensor(from r: RuntimeTensor, name: String? = nil) -> Tensor {
        let dims = r.shape.map { Int64($0) }
        if r.dataType == .string {
            return Tensor(name: name, dataType: .string, dims: dims, content: .stringData((r.strings ?? []).map { Array($0.utf8) }))
        }
        let bits = r.dataType.bitWidth ?? 8
        let n = r.count
        if bits < 8 {
            var packed = [UInt8](repeating: 0, count: r.dataType.byteCount(forElements: n) ?? 0)
            r.withUnsafeBuffer(as: UInt8.self) { src in
                for i in 0..<n {
                    let code = UInt16(src[i] & UInt8((1 << bits) - 1))
                    let bit = i * bits
                    let word = code << UInt16(bit % 8)
                    packed[bit / 8] |= UInt8(word & 0xff)
                    if word > 0xff, bit / 8 + 1 < packed.count { packed[bit / 8 + 1] |= UInt8(word >> 8) }
                }
            }
            return Tensor(name: name, dataType: r.dataType, dims: dims, rawData: .owned(packed))
        }
        let byteCount = n * (RuntimeTensor.elementSize(r.dataType) ?? 0)
        let bytes = Array(UnsafeRawBufferPointer(start: r.storage.base, count: byteCount))
        return Tensor(name: name, dataType: r.dataType, dims: dims, rawData: .owned(bytes))
    }
}

#if canImport(Glibc)
import Glibc
#endif
