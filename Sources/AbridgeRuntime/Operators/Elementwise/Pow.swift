import AbridgeIR
import AbridgeKernels

/// `Pow` (onnx.ai/onnx/operators/onnx__Pow.html, since-versions 1, 7, 12, 13, 15): Z = X ^ Y with
/// numpy broadcasting; Z has X's type. X: FLOAT, DOUBLE, FLOAT16, BFLOAT16, INT32, INT64; Y any
/// numeric type (opset 12+). Float bases compute in their type (FLOAT16/BFLOAT16 in FLOAT);
/// integer bases with integer exponents use exact repeated squaring (wrapping; negative
/// exponents give 0 except for bases 1 and -1), with float exponents `pow` in DOUBLE truncated
/// toward zero (numpy's cast).
enum PowOp {
    static let sinceVersions = [1, 7, 12, 13, 15]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        ClosureKernel { inputs, _ in [.tensor(try apply(try inputs.tensor(0, "X"), try inputs.tensor(1, "Y")))] }
    }

    static func apply(_ x: RuntimeTensor, _ y: RuntimeTensor) throws -> RuntimeTensor {
        switch x.dataType {
        case .float16, .bfloat16:
            return try NumericDispatch.narrow(try apply(try NumericDispatch.widen(x), y), to: x.dataType)
        case .float:
            if y.dataType == .float {
                return try NumericDispatch.binary(x, y, as: Float.self, Float.self, into: .float, Float.self) { power($0, $1) }
            }
            let e = try converted(y, to: .float)
            return try NumericDispatch.binary(x, e, as: Float.self, Float.self, into: .float, Float.self) { power($0, $1) }
        case .double:
            let e = try converted(y, to: .double)
            return try NumericDispatch.binary(x, e, as: Double.self, Double.self, into: .double, Double.self) { power($0, $1) }
        case .int32, .int64, .int8, .int16, .uint8, .uint16, .uint32, .uint64:
            if y.dataType.isInteger {
                let e = try converted(y, to: .int64)
                guard let r = try NumericDispatch.run(x.dataType, IntegerPower(x: x, e: e)) else { throw NumericDispatch.unsupported("Pow", x.dataType) }
                return r
            }
            let base = try converted(x, to: .double), e = try converted(y, to: .double)
            let r = try NumericDispatch.binary(base, e, as: Double.self, Double.self, into: .double, Double.self) { Double.kPow($0, $1) }
            return try CastOp.convert(r, to: x.dataType, saturate: false)
        default:
            throw NumericDispatch.unsupported("Pow", x.dataType)
        }
    }

    @inline(__always) static func power<T: KernelFloat>(_ a: T, _ b: T) -> T {
        if b == 2 { return a * a }
        if b == 1 { return a }
        return T.kPow(a, b)
    }

    static func converted(_ t: RuntimeTensor, to type: DataType) throws -> RuntimeTensor {
        t.dataType == type ? t : try CastOp.convert(t, to: type, saturate: false)
    }

    struct IntegerPower: NumericBody {
        let x: RuntimeTensor, e: RuntimeTensor
        func integer<T: FixedWidthInteger & Sendable>(_ type: T.Type) throws -> RuntimeTensor {
            try NumericDispatch.binary(x, e, as: T.self, Int64.self, into: x.dataType, T.self) { base, exponent in
                if exponent < 0 {
                    if base == 1 { return 1 }
                    if T.isSigned && base == 0 &- 1 { return exponent & 1 == 0 ? 1 : base }
                    return 0
                }
                var result: T = 1, b = base, n = exponent
                while n > 0 {
                    if n & 1 == 1 { result = result &* b }
                    b = b &* b
                    n >>= 1
                }
                return result
            }
        }
        func floating<T: KernelFloat>(_ type: T.Type) throws -> RuntimeTensor {
            throw NumericDispatch.unsupported("Pow", x.dataType)
        }
    }
}
