import AbridgeIR
import AbridgeKernels

/// `ConvTranspose` (onnx.ai/onnx/operators/onnx__ConvTranspose.html, since-versions 1, 11, 22):
/// X `[N, C, D1..Dn]`, W `[C, M / group, k1..kn]`, optional B `[M]` -> Y `[N, M, O1..On]`, with
/// `strides`, `dilations`, `pads`, `output_padding`, `output_shape` and `auto_pad` resolved per
/// `ConvGeometry.convTranspose`. Computed in FLOAT with sgemm + col2im.
struct ConvTranspose: OperatorKernel {
    static let sinceVersions = [1, 11, 22]
    let attributes: ConvAttributes
    let outputPadding: [Int]
    let outputShape: [Int]

    init(_ context: KernelBuildContext) throws {
        attributes = try ConvAttributes(context)
        outputPadding = try context.attributes.ints("output_padding")?.map { Int(clamping: $0) } ?? []
        outputShape = try context.attributes.ints("output_shape")?.map { Int(clamping: $0) } ?? []
    }

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try inputs.tensor(0, "X"), w = try inputs.tensor(1, "W"), b = try inputs.optionalTensor(2)
        try FloatOperand.check(x, "ConvTranspose X")
        let kernel = try attributes.kernel(from: w, op: "ConvTranspose")
        guard x.rank == kernel.count + 2 else {
            throw RuntimeError.invalidInput(node: "", reason: "ConvTranspose: X \(x.shape) must have rank \(kernel.count + 2)")
        }
        // output_shape may list only the spatial dimensions, or all of them (N, C first).
        var target = outputShape
        if target.count == kernel.count + 2 { target = Array(target[2...]) }
        let a = attributes, op = outputPadding
        let g = try FloatOperand.guarded("ConvTranspose") {
            try ConvGeometry.convTranspose(input: Array(x.shape[2...]), kernel: kernel, strides: a.strides, dilations: a.dilations,
                                           pads: a.pads, outputPadding: op, outputShape: target, autoPad: a.autoPad)
        }
        let fx = try FloatOperand.asFloat(x), fw = try FloatOperand.asFloat(w, "W"), fb = try b.map { try FloatOperand.asFloat($0, "B") }
        let group = a.group
        let shape = try FloatOperand.guarded("ConvTranspose") { try AbridgeKernels.ConvTranspose.outputShape(xShape: x.shape, wShape: w.shape, geometry: g, group: group) }
        let y = try RuntimeTensor.allocate(.float, shape)
        try FloatOperand.guarded("ConvTranspose") {
            try fx.withUnsafeBuffer(as: Float.self) { px in
                try fw.withUnsafeBuffer(as: Float.self) { pw in
                    try y.withUnsafeMutableBuffer(as: Float.self) { py in
                        if let fb {
                            try fb.withUnsafeBuffer(as: Float.self) { pb in
                                try AbridgeKernels.ConvTranspose.run(x: px, xShape: x.shape, w: pw, wShape: w.shape, bias: pb, geometry: g, group: group, into: py)
                            }
                        } else {
                            try AbridgeKernels.ConvTranspose.run(x: px, xShape: x.shape, w: pw, wShape: w.shape, bias: nil, geometry: g, group: group, into: py)
                        }
                    }
                }
            }
        }
        return [.tensor(try FloatOperand.narrowed(y, to: x.dataType))]
    }
}
