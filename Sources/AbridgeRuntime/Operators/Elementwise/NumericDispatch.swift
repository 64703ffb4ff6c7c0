import AbridgeIR
import AbridgeKernels

/// A computation generic over the element type, run by `NumericDispatch.run` with the Swift type
/// of a tensor's `DataType` (see the table on `RuntimeTensor`).
protocol NumericBody {
    associatedtype Result
    /// Integer element types (INT8...INT64, UINT8...UINT64).
    func integer<T: FixedWidthInteger & Sendable>(_ type: T.Type) throws -> Result
    /// FLOAT and DOUBLE. (FLOAT16/BFLOAT16 are widened to FLOAT by the callers.)
    func floating<T: KernelFloat>(_ type: T.Type) throws -> Result
}

/// Dispatch from a `DataType` to generic code, and the float16/bfloat16 widening used by the
/// element-wise, reduction and tensor operators.
enum NumericDispatch {
    /// Runs `body` with the Swift element type of `type`, or returns nil when `type` is not an
    /// integer, FLOAT or DOUBLE type.
    static func run<B: NumericBody>(_ type: DataType, _ body: B) throws -> B.Result? {
        switch type {
        case .float: return try body.floating(Float.self)
        case .double: return try body.floating(Double.self)
        case .int8: return try body.integer(Int8.self)
        case .int16: return try body.integer(Int16.self)
        case .int32: return try body.integer(Int32.self)
        case .int64: return try body.integer(Int64.self)
        case .uint8: return try body.integer(UInt8.self)
        case .uint16: return try body.integer(UInt16.self)
        case .uint32: return try body.integer(UInt32.self)
        case .uint64: return try body.integer(UInt64.self)
        default: return nil
        }
    }

    /// True for FLOAT16 and BFLOAT16, which the operators compute in FLOAT and round back.
    static func isHalf(_ type: DataType) -> Bool { type == .float16 || type == .bfloat16 }

    /// An error for an element type an operator does not accept.
    static func unsupported(_ op: String, _ type: DataType) -> RuntimeError {
        .typeMismatch("\(op) does not support element type \(type.shortName)")
    }

    /// `out = op(a, b)` element-wise with numpy broadcasting; `out` has element type `outType`
    /// whose storage type is `R`.
    static func binary<A, B, R>(_ a: RuntimeTensor, _ b: RuntimeTensor, as _: A.Type, _: B.Type, into outType: DataType,
                                _: R.Type, _ op: (A, B) -> R) throws -> RuntimeTensor {
        let shape = try FloatOperand.guarded("broadcast") { try Broadcast.shape(a.shape, b.shape) }
        let out = try RuntimeTensor.allocate(outType, shape)
        try FloatOperand.guarded("broadcast") {
            try a.withUnsafeBuffer(as: A.self) { pa in
                try b.withUnsafeBuffer(as: B.self) { pb in
                    try out.withUnsafeMutableBuffer(as: R.self) { po in
                        try Broadcast.binary(pa, a.shape, pb, b.shape, into: po, op)
                    }
                }
            }
        }
        return out
    }

    /// `y = f(x)` element-wise into a new tensor of `outType` (storage type `R`).
    static func unary<A, R>(_ x: RuntimeTensor, as _: A.Type, into outType: DataType, _: R.Type, _ f: (A) -> R) throws -> RuntimeTensor {
        let out = try RuntimeTensor.allocate(outType, x.shape)
        try FloatOperand.guarded("map") {
            try x.withUnsafeBuffer(as: A.self) { px in
                try out.withUnsafeMutableBuffer(as: R.self) { po in try Elementwise.map(px, into: po, f) }
            }
        }
        return out
    }

    /// `t` widened to FLOAT when it is FLOAT16 or BFLOAT16; unchanged otherwise.
    static func widen(_ t: RuntimeTensor) throws -> RuntimeTensor {
        switch t.dataType {
        case .float16: return try unary(t, as: Float16.self, into: .float, Float.self) { Float($0) }
        case .bfloat16: return try unary(t, as: UInt16.self, into: .float, Float.self) { FloatFormats.decodeBFloat16($0) }
        default: return t
        }
    }

    /// A FLOAT tensor rounded (to nearest even) to FLOAT16 or BFLOAT16; unchanged for other
    /// target types.
    static func narrow(_ t: RuntimeTensor, to type: DataType) throws -> RuntimeTensor {
        guard t.dataType == .float else { return t }
        switch type {
        case .float16: return try unary(t, as: Float.self, into: .float16, Float16.self) { Float16($0) }
        case .bfloat16: return try unary(t, as: Float.self, into: .bfloat16, UInt16.self) { FloatFormats.encodeBFloat16($0) }
        default: return t
        }
    }

    /// Integer values of an optional 1-D input (axes, shapes, pads...), nil when omitted.
    static func ints(_ t: RuntimeTensor?) throws -> [Int]? {
        guard let t else { return nil }
        return try t.int64Values().map { Int(clamping: $0) }
    }

    /// Integer values of a required input.
    static func ints(_ t: RuntimeTensor) throws -> [Int] { try t.int64Values().map { Int(clamping: $0) } }

    /// Normalizes `axis` in `[-rank, rank)`.
    /// - Throws: `RuntimeError.invalidInput` naming `op` when out of range.
    static func axis(_ axis: Int, rank: Int, _ op: String) throws -> Int {
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0 && a < Swift.max(rank, 0) else {
            throw RuntimeError.invalidInput(node: "", reason: "\(op): axis \(axis) is out of range for rank \(rank)")
        }
        return a
    }
}

extension RuntimeTensor {
    /// The same elements with another shape (no copy; the element count must match).
    func reshaped(_ shape: [Int]) -> RuntimeTensor {
        if dataType == .string { return RuntimeTensor(strings: strings ?? [], shape: shape) }
        return RuntimeTensor(dataType: dataType, shape: shape, storage: storage)
    }

    /// A scalar (rank 0) tensor of `type` holding `value`.
    static func scalar<T>(_ type: DataType, _ value: T) -> RuntimeTensor {
        RuntimeTensor(type, shape: [], values: [value])
    }
}
