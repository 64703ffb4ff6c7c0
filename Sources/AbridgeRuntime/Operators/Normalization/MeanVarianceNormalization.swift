import AbridgeIR
import AbridgeKernels

/// `MeanVarianceNormalization` (onnx.ai/onnx/operators/onnx__MeanVarianceNormalization.html,
/// since-versions 9, 13): `Y = (X - E[X]) / (sqrt(E[X^2] - E[X]^2) + 1e-9)` with the means over
/// `axes` (default `[0, 2, 3]`), as the operator's function body computes it (double-precision
/// sums).
struct MeanVarianceNormalization: OperatorKernel {
    static let sinceVersions = [9, 13]
    let axes: [Int]

    init(_ context: KernelBuildContext) throws {
        axes = try context.attributes.ints("axes")?.map { Int(clamping: $0) } ?? [0, 2, 3]
    }

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try inputs.tensor(0, "X")
        try FloatOperand.check(x, "MeanVarianceNormalization X")
        let normalized = try FloatOperand.guarded("MeanVarianceNormalization") { try ShapeMath.normalizeAxes(axes, rank: x.rank, kernel: "MeanVarianceNormalization") }
        let layout = AxesNormalization(shape: x.shape, axes: Set(normalized))
        let fx = try FloatOperand.asFloat(x)
        let y = try RuntimeTensor.allocate(.float, x.shape)
        let n = Double(max(1, layout.members.count))
        fx.withUnsafeBuffer(as: Float.self) { px in
            y.withUnsafeMutableBuffer(as: Float.self) { py in
                for start in layout.groupStarts {
                    var s = 0.0, q = 0.0
                    for m in layout.members { let v = Double(px[start + m]); s += v; q += v * v }
                    let mean = Float(s / n), meanSquare = Float(q / n)
                    let std = (meanSquare - mean * mean).squareRoot() + 1e-9
                    for m in layout.members { py[start + m] = (px[start + m] - mean) / std }
                }
            }
        }
        return [.tensor(try FloatOperand.narrowed(y, to: x.dataType))]
    }
}
