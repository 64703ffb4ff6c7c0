import AbridgeIR
import AbridgeKernels

/// The kernel of `GlobalAveragePool`, `GlobalMaxPool` and `GlobalLpPool`: X `[N, C, D1..Dn]` ->
/// Y `[N, C, 1, ..., 1]`, each plane reduced in order.
struct GlobalPoolKernel: OperatorKernel {
    let kind: Pooling.GlobalKind
    let name: String

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try inputs.tensor(0, "X")
        try FloatOperand.check(x, "\(name) X")
        guard x.rank >= 2 else { throw RuntimeError.invalidInput(node: "", reason: "\(name): X \(x.shape) must be [N, C, ...]") }
        let w = try FloatOperand.widened(x)
        let y = try RuntimeTensor.allocate(w.dataType, [x.shape[0], x.shape[1]] + Array(repeating: 1, count: x.rank - 2))
        let kind = self.kind
        try FloatOperand.guarded(name) {
            if w.dataType == .double {
                try w.withUnsafeBuffer(as: Double.self) { px in
                    try y.withUnsafeMutableBuffer(as: Double.self) { try Pooling.global(kind, px, shape: x.shape, into: $0) }
                }
            } else {
                try w.withUnsafeBuffer(as: Float.self) { px in
                    try y.withUnsafeMutableBuffer(as: Float.self) { try Pooling.global(kind, px, shape: x.shape, into: $0) }
                }
            }
        }
        return [.tensor(try FloatOperand.narrowed(y, to: x.dataType))]
    }
}
