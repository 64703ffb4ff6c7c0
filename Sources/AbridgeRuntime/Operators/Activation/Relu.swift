import AbridgeIR
import AbridgeKernels

/// `Relu` (onnx.ai/onnx/operators/onnx__Relu.html, since-versions 1, 6, 13, 14): Y = max(0, X),
/// element-wise; NaN propagates. Float types, and from opset 14 the signed integer types
/// (computed exactly).
enum Relu {
    static let sinceVersions = [1, 6, 13, 14]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        ClosureKernel { inputs, _ in
            let x = try inputs.tensor(0, "X")
            switch x.dataType {
            case .int8: return [.tensor(try integer(x, Int8.self))]
            case .int16: return [.tensor(try integer(x, Int16.self))]
            case .int32: return [.tensor(try integer(x, Int32.self))]
            case .int64: return [.tensor(try integer(x, Int64.self))]
            default: return [.tensor(try UnaryActivationKernel.apply(.relu, x, name: "Relu"))]
            }
        }
    }

    static func integer<T: FixedWidthInteger & SignedInteger>(_ x: RuntimeTensor, _: T.Type) throws -> RuntimeTensor {
        let y = try RuntimeTensor.allocate(x.dataType, x.shape)
        try x.withUnsafeBuffer(as: T.self) { src in
            try y.withUnsafeMutableBuffer(as: T.self) { dst in try Elementwise.map(src, into: dst) { Swift.max(0, $0) } }
        }
        return y
    }
}
