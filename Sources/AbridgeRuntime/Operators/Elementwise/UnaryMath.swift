import AbridgeIR
import AbridgeKernels

/// The kernel of the element-wise math operators: X of a float type (FLOAT, DOUBLE; FLOAT16 and
/// BFLOAT16 computed in FLOAT and rounded back), Y = op(X) of the same type, via AbridgeKernels'
/// `UnaryOp`. When `integer` is given, integer types are accepted too and use it.
struct UnaryMathKernel: OperatorKernel {
    let name: String
    let op: UnaryOp
    /// Integer semantics (Abs, Neg, Sign), nil for float-only operators.
    let integer: IntegerUnary?

    enum IntegerUnary { case abs, neg, sign }

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        [.tensor(try apply(try inputs.tensor(0, "X")))]
    }

    func apply(_ x: RuntimeTensor) throws -> RuntimeTensor {
        switch x.dataType {
        case .float16, .bfloat16:
            return try NumericDispatch.narrow(try apply(try NumericDispatch.widen(x)), to: x.dataType)
        case .float: return try floating(x, Float.self)
        case .double: return try floating(x, Double.self)
        default:
            guard let integer, x.dataType.isInteger, !x.dataType.isSubByte,
                  let r = try NumericDispatch.run(x.dataType, IntegerBody(x: x, kind: integer)) else {
                throw NumericDispatch.unsupported(name, x.dataType)
            }
            return r
        }
    }

    func floating<T: KernelFloat>(_ x: RuntimeTensor, _: T.Type) throws -> RuntimeTensor {
        let out = try RuntimeTensor.allocate(x.dataType, x.shape)
        try FloatOperand.guarded(name) {
            try x.withUnsafeBuffer(as: T.self) { px in
                try out.withUnsafeMutableBuffer(as: T.self) { po in try Elementwise.apply(op, px, into: po) }
            }
        }
        return out
    }

    struct IntegerBody: NumericBody {
        let x: RuntimeTensor, kind: IntegerUnary
        func integer<T: FixedWidthInteger & Sendable>(_ type: T.Type) throws -> RuntimeTensor {
            switch kind {
            case .abs: return try NumericDispatch.unary(x, as: T.self, into: x.dataType, T.self) { $0 < 0 ? 0 &- $0 : $0 }
            case .neg: return try NumericDispatch.unary(x, as: T.self, into: x.dataType, T.self) { 0 &- $0 }
            case .sign: return try NumericDispatch.unary(x, as: T.self, into: x.dataType, T.self) { $0 > 0 ? 1 : ($0 == 0 ? 0 : 0 &- 1) }
            }
        }
        func floating<T: KernelFloat>(_ type: T.Type) throws -> RuntimeTensor { throw NumericDispatch.unsupported("unary", x.dataType) }
    }
}
