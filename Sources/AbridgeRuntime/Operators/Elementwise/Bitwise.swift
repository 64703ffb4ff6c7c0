import AbridgeIR
import AbridgeKernels

/// The integer bitwise operators: A and B of one integer type, numpy broadcasting.
struct BitwiseKernel<Op: BinaryArithmeticOp>: OperatorKernel {
    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let a = try inputs.tensor(0, "A"), b = try inputs.tensor(1, "B")
        guard a.dataType.isInteger, !a.dataType.isSubByte else { throw NumericDispatch.unsupported(Op.name, a.dataType) }
        return [.tensor(try BinaryArithmeticKernel<Op>.apply(a, b))]
    }
}

/// `BitwiseAnd` (onnx.ai/onnx/operators/onnx__BitwiseAnd.html, since-version 18).
enum BitwiseAndOp: BinaryArithmeticOp {
    static let sinceVersions = [18]
    static let name = "BitwiseAnd"
    static func integer<T: FixedWidthInteger>(_ a: T, _ b: T) -> T { a & b }
    static func floating<T: KernelFloat>(_ a: T, _ b: T) -> T { a }
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel { BitwiseKernel<BitwiseAndOp>() }
}

/// `BitwiseOr` (onnx.ai/onnx/operators/onnx__BitwiseOr.html, since-version 18).
enum BitwiseOrOp: BinaryArithmeticOp {
    static let sinceVersions = [18]
    static let name = "BitwiseOr"
    static func integer<T: FixedWidthInteger>(_ a: T, _ b: T) -> T { a | b }
    static func floating<T: KernelFloat>(_ a: T, _ b: T) -> T { a }
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel { BitwiseKernel<BitwiseOrOp>() }
}

/// `BitwiseXor` (onnx.ai/onnx/operators/onnx__BitwiseXor.html, since-version 18).
enum BitwiseXorOp: BinaryArithmeticOp {
    static let sinceVersions = [18]
    static let name = "BitwiseXor"
    static func integer<T: FixedWidthInteger>(_ a: T, _ b: T) -> T { a ^ b }
    static func floating<T: KernelFloat>(_ a: T, _ b: T) -> T { a }
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel { BitwiseKernel<BitwiseXorOp>() }
}

/// `BitwiseNot` (onnx.ai/onnx/operators/onnx__BitwiseNot.html, since-version 18): `~X` for
/// integer X.
enum BitwiseNotOp {
    static let sinceVersions = [18]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        ClosureKernel { inputs, _ in
            let x = try inputs.tensor(0, "X")
            guard x.dataType.isInteger, !x.dataType.isSubByte,
                  let r = try NumericDispatch.run(x.dataType, Body(x: x)) else { throw NumericDispatch.unsupported("BitwiseNot", x.dataType) }
            return [.tensor(r)]
        }
    }
    struct Body: NumericBody {
        let x: RuntimeTensor
        func integer<T: FixedWidthInteger & Sendable>(_ type: T.Type) throws -> RuntimeTensor {
            try NumericDispatch.unary(x, as: T.self, into: x.dataType, T.self) { ~$0 }
        }
        func floating<T: KernelFloat>(_ type: T.Type) throws -> RuntimeTensor { throw NumericDispatch.unsupported("BitwiseNot", x.dataType) }
    }
}

/// `BitShift` (onnx.ai/onnx/operators/onnx__BitShift.html, since-version 11; signed types as in
/// the onnx 1.23.2 reference): X shifted by Y bits, `direction` "LEFT" or "RIGHT". Shift amounts
/// below 0 or of the bit width and more give 0 (RIGHT of a negative signed value: -1); LEFT
/// discards the bits shifted out (two's complement wrap), RIGHT is arithmetic for signed types.
enum BitShiftOp {
    static let sinceVersions = [11]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        let direction = try context.attributes.string("direction", default: "")
        guard direction == "LEFT" || direction == "RIGHT" else {
            throw RuntimeError.invalidAttribute(node: context.node.label, name: "direction", reason: "must be LEFT or RIGHT, got '\(direction)'")
        }
        let left = direction == "LEFT"
        return ClosureKernel { inputs, _ in
            let x = try inputs.tensor(0, "X"), y = try inputs.tensor(1, "Y")
            guard x.dataType.isInteger, !x.dataType.isSubByte else { throw NumericDispatch.unsupported("BitShift", x.dataType) }
            return [.tensor(left ? try BinaryArithmeticKernel<Left>.apply(x, y) : try BinaryArithmeticKernel<Right>.apply(x, y))]
        }
    }
    enum Left: BinaryArithmeticOp {
        static let name = "BitShift"
        static func integer<T: FixedWidthInteger>(_ a: T, _ b: T) -> T { b < 0 || b >= T.bitWidth ? 0 : a << b }
        static func floating<T: KernelFloat>(_ a: T, _ b: T) -> T { .nan }
    }
    enum Right: BinaryArithmeticOp {
        static let name = "BitShift"
        static func integer<T: FixedWidthInteger>(_ a: T, _ b: T) -> T {
            if b < 0 || b >= T.bitWidth { return a < 0 ? 0 &- 1 : 0 }
            return a >> b
        }
        static func floating<T: KernelFloat>(_ a: T, _ b: T) -> T { .nan }
    }
}
