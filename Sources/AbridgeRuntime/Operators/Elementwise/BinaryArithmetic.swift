import AbridgeIR
import AbridgeKernels

/// An element-wise arithmetic operator on two operands of the same numeric type.
protocol BinaryArithmeticOp {
    /// The ONNX operator name (for errors).
    static var name: String { get }
    /// Integer semantics (wrapping; division by zero gives 0 instead of trapping).
    static func integer<T: FixedWidthInteger>(_ a: T, _ b: T) -> T
    /// Floating-point semantics (IEEE).
    static func floating<T: KernelFloat>(_ a: T, _ b: T) -> T
}

/// The generic kernel of Add, Sub, Mul, Div, Mod-like binary operators: A and B of one numeric
/// type (integers, FLOAT, DOUBLE; FLOAT16/BFLOAT16 computed in FLOAT and rounded back), numpy
/// broadcasting, C of the same type.
struct BinaryArithmeticKernel<Op: BinaryArithmeticOp>: OperatorKernel {
    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        [.tensor(try Self.apply(try inputs.tensor(0, "A"), try inputs.tensor(1, "B")))]
    }

    static func apply(_ a: RuntimeTensor, _ b: RuntimeTensor) throws -> RuntimeTensor {
        guard a.dataType == b.dataType else {
            throw RuntimeError.typeMismatch("\(Op.name): A is \(a.dataType.shortName) but B is \(b.dataType.shortName)")
        }
        if NumericDispatch.isHalf(a.dataType) {
            let r = try apply(try NumericDispatch.widen(a), try NumericDispatch.widen(b))
            return try NumericDispatch.narrow(r, to: a.dataType)
        }
        guard let r = try NumericDispatch.run(a.dataType, BinaryArithmeticBody<Op>(a: a, b: b)) else {
            throw NumericDispatch.unsupported(Op.name, a.dataType)
        }
        return r
    }
}

struct BinaryArithmeticBody<Op: BinaryArithmeticOp>: NumericBody {
    let a: RuntimeTensor, b: RuntimeTensor
    func integer<T: FixedWidthInteger & Sendable>(_ type: T.Type) throws -> RuntimeTensor {
        try NumericDispatch.binary(a, b, as: T.self, T.self, into: a.dataType, T.self) { Op.integer($0, $1) }
    }
    func floating<T: KernelFloat>(_ type: T.Type) throws -> RuntimeTensor {
        try NumericDispatch.binary(a, b, as: T.self, T.self, into: a.dataType, T.self) { Op.floating($0, $1) }
    }
}
