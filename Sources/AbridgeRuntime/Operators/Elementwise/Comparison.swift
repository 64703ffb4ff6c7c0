import AbridgeIR
import AbridgeKernels

/// A comparison operator: BOOL result from two operands of one type.
protocol ComparisonOp {
    static var name: String { get }
    static func compare<T: Comparable>(_ a: T, _ b: T) -> Bool
}

/// The generic kernel of Equal, Less, LessOrEqual, Greater, GreaterOrEqual: A and B of one type
/// (integers, floats incl. FLOAT16/BFLOAT16 compared exactly in FLOAT, BOOL, and STRING for
/// Equal), numpy broadcasting, BOOL C. NaN compares unequal/unordered (IEEE).
struct ComparisonKernel<Op: ComparisonOp>: OperatorKernel {
    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        [.tensor(try Self.apply(try inputs.tensor(0, "A"), try inputs.tensor(1, "B")))]
    }

    static func apply(_ a: RuntimeTensor, _ b: RuntimeTensor) throws -> RuntimeTensor {
        guard a.dataType == b.dataType else {
            throw RuntimeError.typeMismatch("\(Op.name): A is \(a.dataType.shortName) but B is \(b.dataType.shortName)")
        }
        switch a.dataType {
        case .float16, .bfloat16: return try apply(try NumericDispatch.widen(a), try NumericDispatch.widen(b))
        case .bool:
            return try NumericDispatch.binary(a, b, as: UInt8.self, UInt8.self, into: .bool, Bool.self) { Op.compare($0, $1) }
        case .string:
            let x = a.strings ?? [], y = b.strings ?? []
            let shape = try FloatOperand.guarded(Op.name) { try Broadcast.shape(a.shape, b.shape) }
            _ = try RuntimeTensor.checkedByteCount(shape: shape, elementSize: MemoryLayout<Bool>.stride, what: "the BOOL output of shape \(shape)")
            var out = [Bool](repeating: false, count: try StridedCopy.count(shape))
            try x.withUnsafeBufferPointer { px in
                try y.withUnsafeBufferPointer { py in
                    try out.withUnsafeMutableBufferPointer { po in
                        try FloatOperand.guarded(Op.name) { try Broadcast.binary(px, a.shape, py, b.shape, into: po) { Op.compare($0, $1) } }
                    }
                }
            }
            return RuntimeTensor(.bool, shape: shape, values: out)
        default:
            guard let r = try NumericDispatch.run(a.dataType, ComparisonBody<Op>(a: a, b: b)) else {
                throw NumericDispatch.unsupported(Op.name, a.dataType)
            }
            return r
        }
    }
}

struct ComparisonBody<Op: ComparisonOp>: NumericBody {
    let a: RuntimeTensor, b: RuntimeTensor
    func integer<T: FixedWidthInteger & Sendable>(_ type: T.Type) throws -> RuntimeTensor {
        try NumericDispatch.binary(a, b, as: T.self, T.self, into: .bool, Bool.self) { Op.compare($0, $1) }
    }
    func floating<T: KernelFloat>(_ type: T.Type) throws -> RuntimeTensor {
        try NumericDispatch.binary(a, b, as: T.self, T.self, into: .bool, Bool.self) { Op.compare($0, $1) }
    }
}

/// `Equal` (onnx.ai/onnx/operators/onnx__Equal.html, since-versions 1, 7, 11, 13, 19): A == B;
/// STRING from opset 19.
enum EqualOp: ComparisonOp {
    static let sinceVersions = [1, 7, 11, 13, 19]
    static let name = "Equal"
    @inline(__always) static func compare<T: Comparable>(_ a: T, _ b: T) -> Bool { a == b }
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel { ComparisonKernel<EqualOp>() }
}
