import AbridgeIR
import AbridgeKernels

/// `LayerNormalization` (onnx.ai/onnx/operators/onnx__LayerNormalization.html, since-version 17):
/// normalises X over axes `axis..<rank` (default -1): `Mean = mean(X)`,
/// `InvStdDev = 1 / sqrt(mean((X - Mean)^2) + epsilon)`, `Y = (X - Mean) * InvStdDev * Scale + B`,
/// Scale and B broadcast to the normalised shape. Statistics are accumulated in double precision
/// (at least `stash_type` FLOAT); the optional Mean and InvStdDev outputs have shape
/// `[d0, ..., d(axis-1), 1, ..., 1]` and type FLOAT (DOUBLE for a DOUBLE X).
struct LayerNormalization: OperatorKernel {
    static let sinceVersions = [17]
    let axis: Int
    let epsilon: Float

    init(_ context: KernelBuildContext) throws {
        axis = Int(clamping: try context.attributes.int("axis", default: -1))
        epsilon = try context.attributes.float("epsilon", default: 1e-5)
    }

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try inputs.tensor(0, "X"), scale = try inputs.tensor(1, "Scale"), bias = try inputs.optionalTensor(2)
        try FloatOperand.check(x, "LayerNormalization X")
        guard axis >= -x.rank && axis < x.rank else {
            throw RuntimeError.invalidInput(node: "", reason: "LayerNormalization: axis \(axis) out of range for rank \(x.rank)")
        }
        let a = axis < 0 ? axis + x.rank : axis
        let statsShape = Array(x.shape[0..<a]) + Array(repeating: 1, count: x.rank - a)
        if x.dataType == .double {
            let (y, m, s) = try compute(x, scale, bias, a, statsShape, Double.self)
            return [.tensor(y), .tensor(m), .tensor(s)]
        }
        let (y, m, s) = try compute(try FloatOperand.asFloat(x), try FloatOperand.asFloat(scale, "Scale"),
                                    try bias.map { try FloatOperand.asFloat($0, "B") }, a, statsShape, Float.self)
        return [.tensor(try FloatOperand.narrowed(y, to: x.dataType)), .tensor(m), .tensor(s)]
    }

    func compute<T: KernelFloat>(_ x: RuntimeTensor, _ scale: RuntimeTensor, _ bias: RuntimeTensor?, _ axis: Int,
                                 _ statsShape: [Int], _: T.Type) throws -> (RuntimeTensor, RuntimeTensor, RuntimeTensor) {
        guard scale.dataType == x.dataType, bias.map({ $0.dataType == x.dataType }) ?? true else {
            throw RuntimeError.typeMismatch("LayerNormalization: Scale and B must have X's type")
        }
        let y = try RuntimeTensor.allocate(x.dataType, x.shape)
        let eps = T(epsilon)
        let stats = try FloatOperand.guarded("LayerNormalization") {
            try x.withUnsafeBuffer(as: T.self) { px in
                try scale.withUnsafeBuffer(as: T.self) { ps in
                    try y.withUnsafeMutableBuffer(as: T.self) { py in
                        if let bias {
                            return try bias.withUnsafeBuffer(as: T.self) { pb in
                                try Normalization.layerNorm(px, shape: x.shape, axis: axis, epsilon: eps, scale: ps, scaleShape: scale.shape,
                                                            bias: pb, biasShape: bias.shape, into: py)
                            }
                        }
                        return try Normalization.layerNorm(px, shape: x.shape, axis: axis, epsilon: eps, scale: ps, scaleShape: scale.shape,
                                                           bias: nil, into: py)
                    }
                }
            }
        }
        return (y, RuntimeTensor(x.dataType, shape: statsShape, values: stats.mean),
                RuntimeTensor(x.dataType, shape: statsShape, values: stats.invStdDev))
    }
}
