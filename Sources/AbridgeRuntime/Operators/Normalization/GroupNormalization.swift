import AbridgeIR
import AbridgeKernels

/// `GroupNormalization` (onnx.ai/onnx/operators/onnx__GroupNormalization.html, since-versions 18,
/// 21): X `[N, C, D1..Dn]` split into `num_groups` groups of `C / num_groups` channels; each
/// group of each sample is normalised by its mean and population variance, then
/// `Y = scale * normalized + bias`. Opset 18 takes scale and bias per group (`[num_groups]`),
/// opset 21 per channel (`[C]`). Statistics accumulated in double precision (`stash_type`).
struct GroupNormalization: OperatorKernel {
    static let sinceVersions = [18, 21]
    let epsilon: Float
    let groups: Int
    let perGroupParameters: Bool

    init(_ context: KernelBuildContext) throws {
        epsilon = try context.attributes.float("epsilon", default: 1e-5)
        guard let g = try context.attributes.int("num_groups"), g >= 1 else {
            throw RuntimeError.invalidAttribute(node: context.node.label, name: "num_groups", reason: "required, must be >= 1")
        }
        groups = Int(clamping: g)
        perGroupParameters = context.opset < 21
    }

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try inputs.tensor(0, "X")
        try FloatOperand.check(x, "GroupNormalization X")
        guard x.rank >= 2, x.shape[1] % groups == 0 else {
            throw RuntimeError.invalidInput(node: "", reason: "GroupNormalization: X \(x.shape) must be [N, C, ...] with num_groups \(groups) dividing C")
        }
        let c = x.shape[1]
        var scale = try FloatOperand.asFloat(try inputs.tensor(1, "scale"), "scale").elements(as: Float.self)
        var bias = try FloatOperand.asFloat(try inputs.tensor(2, "bias"), "bias").elements(as: Float.self)
        if perGroupParameters && scale.count == groups && bias.count == groups {
            scale = (0..<c).map { scale[$0 / (c / groups)] }
            bias = (0..<c).map { bias[$0 / (c / groups)] }
        }
        let fx = try FloatOperand.asFloat(x)
        let y = try RuntimeTensor.allocate(.float, x.shape)
        let eps = epsilon, groupCount = groups
        try FloatOperand.guarded("GroupNormalization") {
            try fx.withUnsafeBuffer(as: Float.self) { px in
                try scale.withUnsafeBufferPointer { ps in
                    try bias.withUnsafeBufferPointer { pb in
                        try y.withUnsafeMutableBuffer(as: Float.self) {
                            try Normalization.groupNorm(px, shape: x.shape, groups: groupCount, scale: ps, bias: pb, epsilon: eps, into: $0)
                        }
                    }
                }
            }
        }
        return [.tensor(try FloatOperand.narrowed(y, to: x.dataType))]
    }
}
