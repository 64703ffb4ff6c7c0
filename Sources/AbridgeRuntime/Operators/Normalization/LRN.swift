import AbridgeIR
import AbridgeKernels

/// `LRN` (onnx.ai/onnx/operators/onnx__LRN.html, since-versions 1, 13): local response
/// normalisation across channels, X `[N, C, D1..Dn]`:
/// `Y = X / (bias + alpha / size * sum(x[c']^2 for c' in [c - floor((size-1)/2), c + ceil((size-1)/2)]))^beta`
/// (alpha 1e-4, beta 0.75, bias 1, `size` required).
struct LRN: OperatorKernel {
    static let sinceVersions = [1, 13]
    let size: Int
    let alpha: Float, beta: Float, bias: Float

    init(_ context: KernelBuildContext) throws {
        let a = context.attributes
        guard let s = try a.int("size"), s >= 1 else {
            throw RuntimeError.invalidAttribute(node: context.node.label, name: "size", reason: "required, must be >= 1")
        }
        size = Int(clamping: s)
        alpha = try a.float("alpha", default: 0.0001)
        beta = try a.float("beta", default: 0.75)
        bias = try a.float("bias", default: 1)
    }

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try inputs.tensor(0, "X")
        try FloatOperand.check(x, "LRN X")
        let w = try FloatOperand.widened(x)
        let y = try RuntimeTensor.allocate(w.dataType, x.shape)
        let (size, alpha, beta, bias) = (self.size, self.alpha, self.beta, self.bias)
        try FloatOperand.guarded("LRN") {
            if w.dataType == .double {
                try w.withUnsafeBuffer(as: Double.self) { px in
                    try y.withUnsafeMutableBuffer(as: Double.self) {
                        try Normalization.lrn(px, shape: x.shape, size: size, alpha: Double(alpha), beta: Double(beta), bias: Double(bias), into: $0)
                    }
                }
            } else {
                try w.withUnsafeBuffer(as: Float.self) { px in
                    try y.withUnsafeMutableBuffer(as: Float.self) {
                        try Normalization.lrn(px, shape: x.shape, size: size, alpha: alpha, beta: beta, bias: bias, into: $0)
                    }
                }
            }
        }
        return [.tensor(try FloatOperand.narrowed(y, to: x.dataType))]
    }
}
