import AbridgeIR
import AbridgeKernels

/// The kernel of the variadic broadcasting operators Max, Min, Sum, Mean: folds the inputs left
/// to right with a binary operator (numpy broadcasting at each step; FLOAT16/BFLOAT16 computed
/// in FLOAT and rounded once at the end), and for Mean divides by the input count at the end.
struct VariadicKernel<Op: BinaryArithmeticOp>: OperatorKernel {
    let mean: Bool
    /// Element types accepted (nil: every integer and float type).
    let floatOnly: Bool

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let tensors = try (0..<inputs.count).map { try inputs.tensor($0, "data_\($0)") }
        guard let first = tensors.first else { throw RuntimeError.invalidInput(node: "", reason: "\(Op.name) needs at least one input") }
        let type = first.dataType
        guard type.isFloatingPoint ? [.float, .double, .float16, .bfloat16].contains(type) : (!floatOnly && type.isInteger && !type.isSubByte) else {
            throw NumericDispatch.unsupported(Op.name, type)
        }
        let half = NumericDispatch.isHalf(type)
        var acc = half ? try NumericDispatch.widen(first) : first
        for t in tensors.dropFirst() {
            acc = try BinaryArithmeticKernel<Op>.apply(acc, half ? try NumericDispatch.widen(t) : t)
        }
        if mean && tensors.count > 1 {
            switch acc.dataType {
            case .double: acc = try BinaryArithmeticKernel<DivOp>.apply(acc, RuntimeTensor(.double, shape: [], values: [Double(tensors.count)]))
            case .float: acc = try BinaryArithmeticKernel<DivOp>.apply(acc, RuntimeTensor(.float, shape: [], values: [Float(tensors.count)]))
            default: throw NumericDispatch.unsupported("Mean", type)
            }
        }
        return [.tensor(half ? try NumericDispatch.narrow(acc, to: type) : acc)]
    }
}

/// `Max` (onnx.ai/onnx/operators/onnx__Max.html, since-versions 1, 6, 8, 12, 13): element-wise
/// maximum of the inputs with broadcasting; NaN propagates (numpy `maximum`); integer types from
/// opset 12.
enum MaxOp: BinaryArithmeticOp {
    static let sinceVersions = [1, 6, 8, 12, 13]
    static let name = "Max"
    static func integer<T: FixedWidthInteger>(_ a: T, _ b: T) -> T { Swift.max(a, b) }
    static func floating<T: KernelFloat>(_ a: T, _ b: T) -> T { a.isNaN || b.isNaN ? .nan : Swift.max(a, b) }
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        // Built here, where the op is concrete, so the kernel runs specialized code (through
        // the OperatorKernel existential it would run unspecialized generic code per element).
        let kernel = VariadicKernel<MaxOp>(mean: false, floatOnly: false)
        return ClosureKernel { try kernel.run($0, context: $1) }
    }
}

/// `Min` (onnx.ai/onnx/operators/onnx__Min.html, since-versions 1, 6, 8, 12, 13): element-wise
/// minimum of the inputs with broadcasting; NaN propagates; integer types from opset 12.
enum MinOp: BinaryArithmeticOp {
    static let sinceVersions = [1, 6, 8, 12, 13]
    static let name = "Min"
    static func integer<T: FixedWidthInteger>(_ a: T, _ b: T) -> T { Swift.min(a, b) }
    static func floating<T: KernelFloat>(_ a: T, _ b: T) -> T { a.isNaN || b.isNaN ? .nan : Swift.min(a, b) }
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        // Built here, where the op is concrete, so the kernel runs specialized code (through
        // the OperatorKernel existential it would run unspecialized generic code per element).
        let kernel = VariadicKernel<MinOp>(mean: false, floatOnly: false)
        return ClosureKernel { try kernel.run($0, context: $1) }
    }
}

/// `Sum` (onnx.ai/onnx/operators/onnx__Sum.html, since-versions 1, 6, 8, 13): element-wise sum
/// of the inputs with broadcasting (float types), added left to right.
enum SumOp {
    static let sinceVersions = [1, 6, 8, 13]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        // Built here, where the op is concrete, so the kernel runs specialized code (through
        // the OperatorKernel existential it would run unspecialized generic code per element).
        let kernel = VariadicKernel<AddOp>(mean: false, floatOnly: true)
        return ClosureKernel { try kernel.run($0, context: $1) }
    }
}

/// `Mean` (onnx.ai/onnx/operators/onnx__Mean.html, since-versions 1, 6, 8, 13): element-wise
/// mean of the inputs with broadcasting (float types): the left-to-right sum divided by the
/// input count.
enum MeanOp {
    static let sinceVersions = [1, 6, 8, 13]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        // Built here, where the op is concrete, so the kernel runs specialized code (through
        // the OperatorKernel existential it would run unspecialized generic code per element).
        let kernel = VariadicKernel<AddOp>(mean: true, floatOnly: true)
        return ClosureKernel { try kernel.run($0, context: $1) }
    }
}
