import AbridgeIR
import AbridgeRuntime

/// Conversion between NumPy arrays and runtime tensors.
extension NumPyArray {
    /// The ONNX element type of this array's dtype (`<U`/`|S` strings map to STRING), or nil
    /// for complex types.
    public var onnxType: DataType? {
        switch dtype {
        case .bool: return .bool
        case .int8: return .int8
        case .int16: return .int16
        case .int32: return .int32
        case .int64: return .int64
        case .uint8: return .uint8
        case .uint16: return .uint16
        case .uint32: return .uint32
        case .uint64: return .uint64
        case .float16: return .float16
        case .float32: return .float
        case .float64: return .double
        case .complex64: return .complex64
        case .complex128: return .complex128
        case .unicode, .bytes: return .string
        }
    }

    /// The array as a runtime tensor (a copy of the elements).
    /// - Throws: `DataError(.typeMismatch)` for dtypes the runtime cannot hold.
    public func runtimeTensor() throws -> RuntimeTensor {
        guard let type = onnxType else { throw DataError(.typeMismatch, "dtype \(dtype) has no ONNX tensor type") }
        if type == .string {
            let values: [String]
            if case .bytes = dtype { values = try byteStrings().map { String(decoding: $0, as: UTF8.self) } } else { values = try strings() }
            return RuntimeTensor(strings: values, shape: shape)
        }
        let t = try RuntimeTensor.allocate(type, shape)
        data.withUnsafeBytes { src in
            if let base = src.baseAddress, !data.isEmpty { t.storage.base.copyMemory(from: base, byteCount: data.count) }
        }
        if type == .bool {
            t.withUnsafeMutableBuffer(as: UInt8.self) { b in for i in b.indices { b[i] = b[i] != 0 ? 1 : 0 } }
        }
        return t
    }

    /// A NumPy array holding a runtime tensor's elements.
    /// - Throws: `DataError(.typeMismatch)` for ONNX types NumPy has no dtype for (bfloat16,
    ///   float8, 4-bit and 2-bit types: convert them first, e.g. with Cast).
    public init(runtime t: RuntimeTensor) throws {
        let dtype: NumPyDType
        switch t.dataType {
        case .bool: dtype = .bool
        case .int8: dtype = .int8
        case .int16: dtype = .int16
        case .int32: dtype = .int32
        case .int64: dtype = .int64
        case .uint8: dtype = .uint8
        case .uint16: dtype = .uint16
        case .uint32: dtype = .uint32
        case .uint64: dtype = .uint64
        case .float16: dtype = .float16
        case .float: dtype = .float32
        case .double: dtype = .float64
        case .complex64: dtype = .complex64
        case .complex128: dtype = .complex128
        case .string:
            try self.init(strings: t.strings ?? [], shape: t.shape)
            return
        default:
            throw DataError(.typeMismatch, "tensor type \(t.dataType) has no NumPy dtype")
        }
        let count = t.count * dtype.itemSize
        let bytes = Array(UnsafeRawBufferPointer(start: t.storage.base, count: count))
        try self.init(dtype: dtype, shape: t.shape, data: bytes)
    }
}
