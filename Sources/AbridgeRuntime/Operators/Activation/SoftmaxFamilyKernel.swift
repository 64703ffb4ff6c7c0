import AbridgeIR
import AbridgeKernels

/// The kernel shared by `Softmax`, `LogSoftmax` and `Hardmax`: opset < 13 coerces X to 2-D at
/// `axis` (default 1) and normalises each row; opset 13+ normalises along the single `axis`
/// (default -1).
struct SoftmaxFamilyKernel: OperatorKernel {
    let kind: AbridgeKernels.Softmax.Kind
    let axis: Int
    let flattened: Bool
    let name: String

    init(_ kind: AbridgeKernels.Softmax.Kind, name: String, context: KernelBuildContext) throws {
        self.kind = kind; self.name = name
        flattened = context.opset < 13
        axis = Int(try context.attributes.int("axis", default: flattened ? 1 : -1))
    }

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try inputs.tensor(0, "input")
        try FloatOperand.check(x, "\(name) input")
        let w = try FloatOperand.widened(x)
        let y = try RuntimeTensor.allocate(w.dataType, w.shape)
        try FloatOperand.guarded(name) {
            if w.dataType == .double { try compute(w, y, Double.self) } else { try compute(w, y, Float.self) }
        }
        return [.tensor(try FloatOperand.narrowed(y, to: x.dataType))]
    }

    func compute<T: KernelFloat>(_ x: RuntimeTensor, _ y: RuntimeTensor, _: T.Type) throws {
        try x.withUnsafeBuffer(as: T.self) { src in
            try y.withUnsafeMutableBuffer(as: T.self) { dst in
                if flattened {
                    try AbridgeKernels.Softmax.runFlattened(kind, src, shape: x.shape, axis: axis, into: dst)
                } else {
                    try AbridgeKernels.Softmax.run(kind, src, shape: x.shape, axis: axis, into: dst)
                }
            }
        }
    }
}
