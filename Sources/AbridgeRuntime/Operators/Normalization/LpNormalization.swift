import AbridgeIR
import AbridgeKernels

/// `LpNormalization` (onnx.ai/onnx/operators/onnx__LpNormalization.html, since-versions 1, 22):
/// `Y = X / ||X||_p` along `axis` (default -1), p 1 (sum of |x|) or 2 (default); a zero norm
/// gives 0.
struct LpNormalization: OperatorKernel {
    static let sinceVersions = [1, 22]
    let axis: Int
    let p: Int

    init(_ context: KernelBuildContext) throws {
        axis = Int(clamping: try context.attributes.int("axis", default: -1))
        let p = try context.attributes.int("p", default: 2)
        guard p == 1 || p == 2 else { throw RuntimeError.invalidAttribute(node: context.node.label, name: "p", reason: "must be 1 or 2, got \(p)") }
        self.p = Int(p)
    }

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try inputs.tensor(0, "input")
        try FloatOperand.check(x, "LpNormalization input")
        let a = try FloatOperand.guarded("LpNormalization") { try ShapeMath.normalizeAxis(axis, rank: x.rank, kernel: "LpNormalization") }
        let layout = AxesNormalization(shape: x.shape, axes: [a])
        let fx = try FloatOperand.asFloat(x)
        let y = try RuntimeTensor.allocate(.float, x.shape)
        let p = self.p
        fx.withUnsafeBuffer(as: Float.self) { px in
            y.withUnsafeMutableBuffer(as: Float.self) { py in
                for start in layout.groupStarts {
                    var s = 0.0
                    for m in layout.members { let v = Double(px[start + m]); s += p == 1 ? Swift.abs(v) : v * v }
                    let norm = Float(p == 1 ? s : s.squareRoot())
                    for m in layout.members { py[start + m] = norm == 0 ? 0 : px[start + m] / norm }
                }
            }
        }
        return [.tensor(try FloatOperand.narrowed(y, to: x.dataType))]
    }
}
