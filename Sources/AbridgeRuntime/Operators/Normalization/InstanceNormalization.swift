import AbridgeIR
import AbridgeKernels

/// `InstanceNormalization` (onnx.ai/onnx/operators/onnx__InstanceNormalization.html, since-versions
/// 1, 6, 22): X `[N, C, D1..Dn]`, scale and B `[C]`; each `(n, c)` plane is normalised by its
/// own mean and (population) variance: `Y = scale * (X - mean) / sqrt(var + epsilon) + B`
/// (epsilon default 1e-5). Statistics accumulated in double precision.
struct InstanceNormalization: OperatorKernel {
    static let sinceVersions = [1, 6, 22]
    let epsilon: Float

    init(_ context: KernelBuildContext) throws { epsilon = try context.attributes.float("epsilon", default: 1e-5) }

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try inputs.tensor(0, "input")
        try FloatOperand.check(x, "InstanceNormalization input")
        let fx = try FloatOperand.asFloat(x)
        let scale = try FloatOperand.asFloat(try inputs.tensor(1, "scale"), "scale"), bias = try FloatOperand.asFloat(try inputs.tensor(2, "B"), "B")
        let y = try RuntimeTensor.allocate(.float, x.shape)
        let eps = epsilon
        try FloatOperand.guarded("InstanceNormalization") {
            try fx.withUnsafeBuffer(as: Float.self) { px in
                try scale.withUnsafeBuffer(as: Float.self) { ps in
                    try bias.withUnsafeBuffer(as: Float.self) { pb in
                        try y.withUnsafeMutableBuffer(as: Float.self) {
                            try Normalization.instanceNorm(px, shape: x.shape, scale: ps, bias: pb, epsilon: eps, into: $0)
                        }
                    }
                }
            }
        }
        return [.tensor(try FloatOperand.narrowed(y, to: x.dataType))]
    }
}
