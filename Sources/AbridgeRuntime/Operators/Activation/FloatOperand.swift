import AbridgeIR
import AbridgeKernels

/// Floating-point operands of the neural-network, activation, normalization, image and
/// quantization kernels: which element types they accept, and the widening/narrowing between
/// the stored type and the type they compute in.
///
/// FLOAT and DOUBLE tensors are computed in their own type; FLOAT16 and BFLOAT16 are widened to
/// FLOAT and the result rounded back (round to nearest even), as onnxruntime does on CPU.
enum FloatOperand {
    /// Types these kernels take as float inputs.
    static let types: Set<DataType> = [.float, .double, .float16, .bfloat16]

    /// Checks that `t` is a float tensor.
    /// - Throws: `RuntimeError.typeMismatch` naming `role` and the type.
    static func check(_ t: RuntimeTensor, _ role: String) throws {
        guard types.contains(t.dataType) else {
            throw RuntimeError.typeMismatch("\(role) must be float, double, float16 or bfloat16, got \(t.dataType.shortName)")
        }
    }

    /// `t` as a FLOAT or DOUBLE tensor (FLOAT16/BFLOAT16 widened to FLOAT, others unchanged).
    /// - Throws: `RuntimeError.typeMismatch` for non-float tensors.
    static func widened(_ t: RuntimeTensor, _ role: String = "input") throws -> RuntimeTensor {
        switch t.dataType {
        case .float, .double: return t
        case .float16, .bfloat16: return try asFloat(t, role)
        default: try check(t, role); return t
        }
    }

    /// `t` converted to a FLOAT tensor (no copy when it already is one).
    /// - Throws: `RuntimeError.typeMismatch` for non-numeric tensors.
    static func asFloat(_ t: RuntimeTensor, _ role: String = "input") throws -> RuntimeTensor {
        if t.dataType == .float { return t }
        let out = try RuntimeTensor.allocate(.float, t.shape)
        let n = t.count
        try out.withUnsafeMutableBuffer(as: Float.self) { y in
            switch t.dataType {
            case .double: t.withUnsafeBuffer(as: Double.self) { x in for i in 0..<n { y[i] = Float(x[i]) } }
            case .float16: t.withUnsafeBuffer(as: Float16.self) { x in for i in 0..<n { y[i] = Float(x[i]) } }
            case .bfloat16: t.withUnsafeBuffer(as: UInt16.self) { x in for i in 0..<n { y[i] = FloatFormats.decodeBFloat16(x[i]) } }
            default:
                guard t.dataType.isInteger else { throw RuntimeError.typeMismatch("\(role): expected a numeric tensor, got \(t.dataType.shortName)") }
                let v = try t.floatValues()
                for i in 0..<n { y[i] = v[i] }
            }
        }
        return out
    }

    /// `t` (FLOAT or DOUBLE) rounded to `type` (FLOAT, DOUBLE, FLOAT16 or BFLOAT16); no copy when
    /// the type already matches.
    /// - Throws: `RuntimeError.typeMismatch` for other target types.
    static func narrowed(_ t: RuntimeTensor, to type: DataType) throws -> RuntimeTensor {
        if t.dataType == type { return t }
        let n = t.count
        let source = try asFloat(t)
        let out = try RuntimeTensor.allocate(type, t.shape)
        try source.withUnsafeBuffer(as: Float.self) { x in
            switch type {
            case .float16: out.withUnsafeMutableBuffer(as: Float16.self) { y in for i in 0..<n { y[i] = Float16(x[i]) } }
            case .bfloat16: out.withUnsafeMutableBuffer(as: UInt16.self) { y in for i in 0..<n { y[i] = FloatFormats.encodeBFloat16(x[i]) } }
            case .double: out.withUnsafeMutableBuffer(as: Double.self) { y in for i in 0..<n { y[i] = Double(x[i]) } }
            default: throw RuntimeError.typeMismatch("cannot store a float result as \(type.shortName)")
            }
        }
        return out
    }

    /// The scalar value of a one-element numeric tensor, as Float.
    /// - Throws: `RuntimeError.invalidInput` when `t` has not exactly one element.
    static func scalar(_ t: RuntimeTensor, _ role: String) throws -> Float {
        guard t.count == 1 else { throw RuntimeError.invalidInput(node: "", reason: "\(role) must hold one value, has shape \(t.shape)") }
        return try asFloat(t, role).withUnsafeBuffer(as: Float.self) { $0[0] }
    }

    /// Runs `body`, turning a kernel-module error into a `RuntimeError` (`RuntimeError.init(_:op:)`):
    /// `.tooLarge` for a refused scratch buffer, otherwise `.invalidInput` naming `op`.
    static func guarded<R>(_ op: String, _ body: () throws -> R) throws -> R {
        do { return try body() } catch let e as KernelError {
            throw RuntimeError(e, op: op)
        }
    }
}
