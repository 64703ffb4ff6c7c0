import AbridgeIR
import AbridgeKernels

/// `LpPool` (onnx.ai/onnx/operators/onnx__LpPool.html, since-versions 1, 2, 11, 18, 22):
/// X `[N, C, D1..Dn]` -> Y `[N, C, O1..On]`, `(sum |x|^p)^(1/p)` over each window (pads add 0),
/// with `kernel_shape`, `strides`, `pads`, `auto_pad`, and from opset 18 `ceil_mode` and
/// `dilations`. `p` is a float attribute in opset 1 and an int from opset 2 (default 2).
struct LpPool: OperatorKernel {
    static let sinceVersions = [1, 2, 11, 18, 22]
    let attributes: ConvAttributes
    let p: Int

    init(_ context: KernelBuildContext) throws {
        attributes = try ConvAttributes(context)
        p = try LpPool.exponent(context)
    }

    /// The `p` attribute (float in opset 1, int later), default 2.
    static func exponent(_ context: KernelBuildContext) throws -> Int {
        let attribute = context.node.attribute("p")
        let value: Int64
        if let f = attribute?.float { value = Int64(f) } else { value = try context.attributes.int("p", default: 2) }
        guard value > 0 else { throw RuntimeError.invalidAttribute(node: context.node.label, name: "p", reason: "must be > 0") }
        return Int(clamping: value)
    }

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try inputs.tensor(0, "X")
        try FloatOperand.check(x, "LpPool X")
        let g = try attributes.poolGeometry(x: x, op: "LpPool")
        let w = try FloatOperand.widened(x)
        let y = try RuntimeTensor.allocate(w.dataType, Array(x.shape[0..<2]) + g.output)
        let p = self.p
        try FloatOperand.guarded("LpPool") {
            if w.dataType == .double {
                try w.withUnsafeBuffer(as: Double.self) { px in
                    try y.withUnsafeMutableBuffer(as: Double.self) { try Pooling.lpPool(px, shape: x.shape, geometry: g, p: p, into: $0) }
                }
            } else {
                try w.withUnsafeBuffer(as: Float.self) { px in
                    try y.withUnsafeMutableBuffer(as: Float.self) { try Pooling.lpPool(px, shape: x.shape, geometry: g, p: p, into: $0) }
                }
            }
        }
        return [.tensor(try FloatOperand.narrowed(y, to: x.dataType))]
    }
}
