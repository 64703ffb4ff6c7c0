import AbridgeIR
import AbridgeKernels

/// `Conv` (onnx.ai/onnx/operators/onnx__Conv.html, since-versions 1, 11, 22): X `[N, C, D1..Dn]`,
/// W `[M, C / group, k1..kn]`, optional B `[M]` -> Y `[N, M, O1..On]`, for any n >= 1, with
/// `group`, `strides`, `dilations`, `pads` and `auto_pad` (output sizes per `ConvGeometry.conv`).
/// Computed in FLOAT with im2col + BLAS sgemm (other float types are converted in and out).
struct Conv: OperatorKernel {
    static let sinceVersions = [1, 11, 22]
    let attributes: ConvAttributes

    init(_ context: KernelBuildContext) throws { attributes = try ConvAttributes(context) }

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try inputs.tensor(0, "X"), w = try inputs.tensor(1, "W"), b = try inputs.optionalTensor(2)
        try FloatOperand.check(x, "Conv X")
        let g = try attributes.convGeometry(x: x, kernel: try attributes.kernel(from: w, op: "Conv"), op: "Conv")
        let fx = try FloatOperand.asFloat(x), fw = try FloatOperand.asFloat(w, "W"), fb = try b.map { try FloatOperand.asFloat($0, "B") }
        let group = attributes.group
        let shape = try FloatOperand.guarded("Conv") { try Convolution.outputShape(xShape: x.shape, wShape: w.shape, geometry: g, group: group) }
        let y = try RuntimeTensor.allocate(.float, shape)
        try FloatOperand.guarded("Conv") {
            try fx.withUnsafeBuffer(as: Float.self) { px in
                try fw.withUnsafeBuffer(as: Float.self) { pw in
                    try y.withUnsafeMutableBuffer(as: Float.self) { py in
                        if let fb {
                            try fb.withUnsafeBuffer(as: Float.self) { pb in
                                try Convolution.run(x: px, xShape: x.shape, w: pw, wShape: w.shape, bias: pb, geometry: g, group: group, into: py)
                            }
                        } else {
                            try Convolution.run(x: px, xShape: x.shape, w: pw, wShape: w.shape, bias: nil, geometry: g, group: group, into: py)
                        }
                    }
                }
            }
        }
        return [.tensor(try FloatOperand.narrowed(y, to: x.dataType))]
    }
}
