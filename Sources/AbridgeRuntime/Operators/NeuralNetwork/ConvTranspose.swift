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
        let a = attributes, n = kernel.count, input = Array(x.shape[2...])
        let strides = a.strides.isEmpty ? Array(repeating: 1, count: n) : a.strides
        let dilations = a.dilations.isEmpty ? Array(repeating: 1, count: n) : a.dilations
        let outputPadding = self.outputPadding.isEmpty ? Array(repeating: 0, count: n) : self.outputPadding
        guard strides.count == n, dilations.count == n, outputPadding.count == n, target.isEmpty || target.count == n else {
            throw RuntimeError.invalidInput(node: "", reason: "ConvTranspose: strides/dilations/output_padding/output_shape must have \(n) entries")
        }
        if target.isEmpty && (a.autoPad == .sameUpper || a.autoPad == .sameLower) {
            target = (0..<n).map { input[$0] * strides[$0] }
        }
        // Pads per axis (begin, end). With a target shape they follow the reference's split of
        // `total = s * (in - 1) + output_padding + (k - 1) * d + 1 - target` (floor division),
        // and may be negative: the output then extends past the computed values with zeros (+ B).
        var padsBegin: [Int], padsEnd: [Int]
        if target.isEmpty {
            let pads = a.autoPad == .valid ? [] : a.pads
            guard pads.isEmpty || pads.count == 2 * n else {
                throw RuntimeError.invalidInput(node: "", reason: "ConvTranspose: pads \(pads) must have \(2 * n) entries")
            }
            padsBegin = pads.isEmpty ? Array(repeating: 0, count: n) : Array(pads[0..<n])
            padsEnd = pads.isEmpty ? Array(repeating: 0, count: n) : Array(pads[n...])
        } else {
            padsBegin = []; padsEnd = []
            for i in 0..<n {
                let total = strides[i] * (input[i] - 1) + outputPadding[i] + (kernel[i] - 1) * dilations[i] + 1 - target[i]
                let half = Int((Double(total) / 2).rounded(.down))
                if a.autoPad == .sameUpper { padsBegin.append(half); padsEnd.append(total - half) }
                else { padsBegin.append(total - half); padsEnd.append(half) }
            }
        }
        let computedPads = padsBegin.map { max(0, $0) } + padsEnd.map { max(0, $0) }
        let g = try FloatOperand.guarded("ConvTranspose") {
            try ConvGeometry.convTranspose(input: input, kernel: kernel, strides: strides, dilations: dilations,
                                           pads: computedPads, outputPadding: outputPadding, autoPad: .notSet)
        }
        let fx = try FloatOperand.asFloat(x), fw = try FloatOperand.asFloat(w, "W"), fb = try b.map { try FloatOperand.asFloat($0, "B") }
        let group = a.group
        let shape = try FloatOperand.guarded("ConvTranspose") { try AbridgeKernels.ConvTranspose.outputShape(xShape: x.shape, wShape: w.shape, geometry: g, group: group) }
        let negative = padsBegin.contains { $0 < 0 } || padsEnd.contains { $0 < 0 }
        var y = try RuntimeTensor.allocate(.float, shape)
        try FloatOperand.guarded("ConvTranspose") {
            try fx.withUnsafeBuffer(as: Float.self) { px in
                try fw.withUnsafeBuffer(as: Float.self) { pw in
                    try y.withUnsafeMutableBuffer(as: Float.self) { py in
                        if let fb, !negative {
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
        if negative {
            let outSpatial = (0..<n).map { g.output[$0] - min(0, padsBegin[$0]) - min(0, padsEnd[$0]) }
            y = try Self.embed(y, into: Array(shape[0..<2]) + outSpatial, offsets: padsBegin.map { max(0, -$0) }, bias: fb)
        }
        return [.tensor(try FloatOperand.narrowed(y, to: x.dataType))]
    }

    /// Places `y` `[N, M, O'...]` into a zero tensor of `shape` at spatial `offsets`, then adds the
    /// per-channel bias everywhere.
    static func embed(_ y: RuntimeTensor, into shape: [Int], offsets: [Int], bias: RuntimeTensor?) throws -> RuntimeTensor {
        let out = try RuntimeTensor.allocate(.float, shape)
        let planes = shape[0] * shape[1], rank = shape.count - 2
        let inSpatial = Array(y.shape[2...]), outSpatial = Array(shape[2...])
        let inSize = inSpatial.reduce(1, *), outSize = outSpatial.reduce(1, *)
        let outStrides = ShapeMath.strides(outSpatial)
        let bs = bias?.elements(as: Float.self)
        y.withUnsafeBuffer(as: Float.self) { src in
            out.withUnsafeMutableBuffer(as: Float.self) { dst in
                for p in 0..<planes {
                    let v = bs.map { $0[p % shape[1]] } ?? 0
                    for i in 0..<outSize { dst[p * outSize + i] = v }
                    var coord = [Int](repeating: 0, count: rank)
                    for i in 0..<inSize {
                        var r = i, o = 0
                        for d in stride(from: rank - 1, through: 0, by: -1) { coord[d] = r % inSpatial[d]; r /= inSpatial[d] }
                        for d in 0..<rank { o += (coord[d] + offsets[d]) * outStrides[d] }
                        dst[p * outSize + o] += src[p * inSize + i]
                    }
                }
            }
        }
        return out
    }
}
