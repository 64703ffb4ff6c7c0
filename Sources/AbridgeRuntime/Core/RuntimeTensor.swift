import AbridgeIR
import AbridgeKernels

/// A tensor during execution: element type, shape and elements in row-major order.
///
/// Element representation by ONNX type: FLOAT `Float`, DOUBLE `Double`, FLOAT16 `Float16`,
/// BFLOAT16 `UInt16` (bit pattern), the float8 types and FLOAT8E8M0 `UInt8` (bit pattern), BOOL
/// `Bool`, the integer types as their Swift types, COMPLEX64 two `Float`s, COMPLEX128 two
/// `Double`s. Sub-byte types are unpacked to one byte per element: INT4/INT2 `Int8`
/// (sign-extended), UINT4/UINT2 `UInt8`, FLOAT4E2M1 and FLOAT6 `UInt8` holding the bit pattern
/// in the low bits. STRING tensors keep their elements in `strings`.
public struct RuntimeTensor {
    public let dataType: DataType
    public let shape: [Int]
    public let storage: TensorStorage
    /// Elements of a STRING tensor (nil otherwise).
    public let strings: [String]?

    /// Number of elements (1 for a scalar).
    public var count: Int { shape.reduce(1, *) }
    public var rank: Int { shape.count }

    /// Bytes per element in the runtime representation, or nil for STRING and unknown types.
    public static func elementSize(_ type: DataType) -> Int? {
        switch type {
        case .float, .int32, .uint32: return 4
        case .double, .int64, .uint64, .complex64: return 8
        case .complex128: return 16
        case .float16, .bfloat16, .int16, .uint16: return 2
        case .int8, .uint8, .bool, .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .float8e8m0,
             .int4, .uint4, .int2, .uint2, .float4e2m1, .float6e2m3, .float6e3m2: return 1
        default: return nil
        }
    }

    /// Wraps existing storage.
    /// - Precondition: `storage` holds at least `count * elementSize` bytes.
    public init(dataType: DataType, shape: [Int], storage: TensorStorage) {
        self.dataType = dataType; self.shape = shape; self.storage = storage; self.strings = nil
    }

    /// A STRING tensor.
    public init(strings: [String], shape: [Int]) {
        self.dataType = .string; self.shape = shape; self.strings = strings
        self.storage = TensorStorage(byteCount: 0)
    }

    /// Allocates an uninitialized tensor. Every tensor the kernels create goes through here, so
    /// this is where sizes computed from model data are bounded.
    /// - Throws: `RuntimeError.unsupportedType` for STRING/unknown types; `.invalidShape` for a
    ///   negative dimension; `.tooLarge` when the byte size overflows or exceeds
    ///   `MemoryLimit.bytes` (the process would otherwise abort in `malloc`).
    public static func allocate(_ type: DataType, _ shape: [Int]) throws -> RuntimeTensor {
        guard let size = elementSize(type) else { throw RuntimeError.unsupportedType(type, context: "allocate") }
        let bytes = try checkedByteCount(shape: shape, elementSize: size, what: "a \(type.shortName) tensor of shape \(shape)")
        return RuntimeTensor(dataType: type, shape: shape, storage: TensorStorage(byteCount: bytes))
    }

    /// The byte size of a buffer of `shape` with `elementSize`-byte elements, checked against
    /// `MemoryLimit` before anything is allocated. Kernels that build a Swift array or scratch
    /// buffer sized from data call this first.
    /// - Parameter what: names the buffer in the error ("a FLOAT tensor of shape [...]").
    /// - Throws: `RuntimeError.invalidShape` for a negative dimension, `.tooLarge` when the size
    ///   overflows `Int` or exceeds `MemoryLimit.bytes`.
    public static func checkedByteCount(shape: [Int], elementSize: Int, what: @autoclosure () -> String) throws -> Int {
        guard shape.allSatisfy({ $0 >= 0 }) else { throw RuntimeError.invalidShape("negative dimension in \(shape)") }
        guard let bytes = MemoryLimit.byteCount(shape: shape, elementSize: elementSize) else {
            throw RuntimeError.tooLarge(what: what(), bytes: MemoryLimit.exactByteCount(shape: shape, elementSize: elementSize),
                                        limit: MemoryLimit.current)
        }
        return bytes
    }

    /// A tensor holding `values`.
    public init<T>(_ type: DataType, shape: [Int], values: [T]) {
        precondition(values.count == shape.reduce(1, *), "value count does not match shape")
        let storage = TensorStorage(byteCount: values.count * MemoryLayout<T>.stride)
        values.withUnsafeBytes { storage.base.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        self.init(dataType: type, shape: shape, storage: storage)
    }

    /// A FLOAT tensor.
    public init(floats: [Float], shape: [Int]) { self.init(.float, shape: shape, values: floats) }
    /// An INT64 tensor.
    public init(int64s: [Int64], shape: [Int]) { self.init(.int64, shape: shape, values: int64s) }

    /// Read access to the elements as `T` (the caller picks `T` per the table above).
    public func withUnsafeBuffer<T, R>(as: T.Type, _ body: (UnsafeBufferPointer<T>) throws -> R) rethrows -> R {
        let n = storage.byteCount / MemoryLayout<T>.stride
        return try body(UnsafeBufferPointer(start: storage.base.assumingMemoryBound(to: T.self), count: n))
    }

    /// Write access; only for tensors a kernel has just allocated.
    public func withUnsafeMutableBuffer<T, R>(as: T.Type, _ body: (UnsafeMutableBufferPointer<T>) throws -> R) rethrows -> R {
        let n = storage.byteCount / MemoryLayout<T>.stride
        return try body(UnsafeMutableBufferPointer(start: storage.base.assumingMemoryBound(to: T.self), count: n))
    }

    /// The elements copied into an array.
    public func elements<T>(as: T.Type) -> [T] { withUnsafeBuffer(as: T.self) { Array($0) } }

    /// Integer elements of any integer type, widened to `Int64` (shapes, axes, indices).
    /// - Throws: `RuntimeError.typeMismatch` for non-integer types.
    public func int64Values() throws -> [Int64] {
        switch dataType {
        case .int64: return elements(as: Int64.self)
        case .int32: return elements(as: Int32.self).map(Int64.init)
        case .int16: return elements(as: Int16.self).map(Int64.init)
        case .int8, .int4, .int2: return elements(as: Int8.self).map(Int64.init)
        case .uint8, .uint4, .uint2: return elements(as: UInt8.self).map(Int64.init)
        case .uint16: return elements(as: UInt16.self).map(Int64.init)
        case .uint32: return elements(as: UInt32.self).map(Int64.init)
        case .uint64: return elements(as: UInt64.self).map { Int64(truncatingIfNeeded: $0) }
        case .bool: return elements(as: Bool.self).map { $0 ? 1 : 0 }
        default: throw RuntimeError.typeMismatch("expected an integer tensor, got \(dataType)")
        }
    }

    /// Elements of a floating-point or integer tensor converted to `Float`.
    /// - Throws: `RuntimeError.typeMismatch` for other types.
    public func floatValues() throws -> [Float] {
        switch dataType {
        case .float: return elements(as: Float.self)
        case .double: return elements(as: Double.self).map(Float.init)
        case .float16: return elements(as: Float16.self).map(Float.init)
        case .bfloat16: return elements(as: UInt16.self).map { Float(bitPattern: UInt32($0) << 16) }
        default:
            if dataType.isInteger || dataType == .bool { return try int64Values().map(Float.init) }
            throw RuntimeError.typeMismatch("expected a numeric tensor, got \(dataType)")
        }
    }
}
