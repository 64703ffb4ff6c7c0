import AbridgeIR
import AbridgeKernels

/// `Conv` (group 1, any spatial rank, `auto_pad` NOTSET or VALID): `Y = W ⋆ X + B` with
/// X `[N, C, D...]`, W `[M, C, k...]`, B `[M]`, Y `[N, M, O...]`, float32 (ONNX Conv, opsets 1-22).
///
/// Forward lowers all images at once to columns `[C·K, N·P]` (`Im2Col.im2colImages`) and runs one
/// GEMM; backward is `∂W = ∂Y′·colsᵀ`, `∂B = Σ ∂Y`, `∂cols = Wᵀ·∂Y′` folded back per image with
/// `Im2Col.col2im` (the adjoint of im2col), where `∂Y′` is `∂Y` as `[M, N·P]`.
final class ConvOperator: TrainingOperator {
    let context: NodeContext
    let strides: [Int], dilations: [Int], pads: [Int], kernelShape: [Int]?
    let autoPad: AutoPad
    private var columns: [Float] = []
    private var product: [Float] = [], dyColumns: [Float] = [], dcols: [Float] = []
    private var forwardBuffer: [Float] = [], inputGradient: [Float] = []
    private var geometry: ConvGeometry?

    init(_ node: Node) throws {
        context = NodeContext(node)
        let group = node.intAttribute("group", default: 1)
        guard group == 1 else { throw context.unsupported("group \(group): only group 1 is trained") }
        let pad = node.stringAttribute("auto_pad", default: "NOTSET")
        switch pad {
        case "NOTSET", "": autoPad = .notSet
        case "VALID": autoPad = .valid
        default: throw context.unsupported("auto_pad \(pad): only NOTSET and VALID are trained")
        }
        strides = node.intsAttribute("strides") ?? []
        dilations = node.intsAttribute("dilations") ?? []
        pads = node.intsAttribute("pads") ?? []
        kernelShape = node.intsAttribute("kernel_shape")
    }

    func forward(_ inputs: [TrainingTensor?]) throws -> TrainingTensor {
        let x = try context.input(inputs, 0, "X"), w = try context.input(inputs, 1, "W")
        let bias = inputs.count > 2 ? inputs[2] : nil
        guard x.shape.count >= 3, w.shape.count == x.shape.count, w.shape[1] == x.shape[1] else {
            throw context.shape("X \(x.shape) and W \(w.shape) do not fit a group-1 convolution")
        }
        let n = x.shape[0], c = x.shape[1], m = w.shape[0]
        let kernel = Array(w.shape[2...])
        if let kernelShape, kernelShape != kernel { throw context.shape("kernel_shape \(kernelShape) but W is \(w.shape)") }
        if let bias, bias.count != m { throw context.shape("B has \(bias.count) elements, W has \(m) output channels") }
        let g = try context.kernel { try ConvGeometry.conv(input: Array(x.shape[2...]), kernel: kernel, strides: strides,
                                                             dilations: dilations, pads: pads, autoPad: autoPad) }
        geometry = g
        let p = g.output.reduce(1, *), inSize = g.input.reduce(1, *)
        let ck = c * kernel.reduce(1, *), np = n * p
        Workspace.ensure(&columns, count: ck * np)
        try context.kernel {
            try x.data.withUnsafeBufferPointer { px in
                try columns.withUnsafeMutableBufferPointer { pc in
                    try Im2Col.im2colImages(px, imageStride: c * inSize, images: n, channels: c, geometry: g, padValue: 0, into: pc)
                }
            }
        }
        Workspace.ensure(&product, count: m * np)
        try context.kernel { try DenseGemm.run(transA: false, transB: false, m: m, n: np, k: ck, a: w.data, b: columns, c: &product) }
        let b = bias?.data ?? [Float](repeating: 0, count: m)
        let y = product.withUnsafeBufferPointer { src in
            Workspace.reuse(&forwardBuffer, count: n * m * p) { dst in
                for image in 0..<n {
                    for channel in 0..<m {
                        let s = channel * np + image * p, d = (image * m + channel) * p, bc = b[channel]
                        for i in 0..<p { dst[d + i] = src[s + i] + bc }
                    }
                }
            }
        }
        return TrainingTensor(shape: [n, m] + g.output, data: y)
    }

    func backward(_ gradient: TrainingTensor, inputs: [TrainingTensor?], output: TrainingTensor,
                  needs: [Bool]) throws -> [TrainingTensor?] {
        let x = try context.input(inputs, 0, "X"), w = try context.input(inputs, 1, "W")
        guard let g = geometry else { throw context.shape("backward before forward") }
        let n = x.shape[0], c = x.shape[1], m = w.shape[0]
        let p = g.output.reduce(1, *), np = n * p, ck = c * g.kernel.reduce(1, *)
        var result = [TrainingTensor?](repeating: nil, count: inputs.count)
        // ∂Y as [M, N·P] (the layout of the forward product).
        Workspace.ensure(&dyColumns, count: m * np)
        gradient.data.withUnsafeBufferPointer { src in
            dyColumns.withUnsafeMutableBufferPointer { dst in
                for image in 0..<n {
                    for channel in 0..<m {
                        let s = (image * m + channel) * p, d = channel * np + image * p
                        for i in 0..<p { dst[d + i] = src[s + i] }
                    }
                }
            }
        }
        if needs.count > 1, needs[1] {
            var dw = [Float](repeating: 0, count: m * ck)
            try context.kernel { try DenseGemm.run(transA: false, transB: true, m: m, n: ck, k: np, a: dyColumns, b: columns, c: &dw) }
            result[1] = TrainingTensor(shape: w.shape, data: dw)
        }
        if needs.count > 2, needs[2] {
            let db = dyColumns.withUnsafeBufferPointer { pdy in
                (0..<m).map { channel in
                    var s: Float = 0
                    for i in (channel * np)..<((channel + 1) * np) { s += pdy[i] }
                    return s
                }
            }
            result[2] = TrainingTensor(shape: [m], data: db)
        }
        if needs[0] {
            Workspace.ensure(&dcols, count: ck * np)
            try context.kernel { try DenseGemm.run(transA: true, transB: false, m: ck, n: np, k: m, a: w.data, b: dyColumns, c: &dcols) }
            Workspace.ensure(&inputGradient, count: x.count)
            inputGradient.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
            var dx = inputGradient
            inputGradient = []  // `dx` unique while it is written; kept again below
            if g.rank == 2 {
                Self.col2im2D(dcols, images: n, channels: c, geometry: g, into: &dx)
            } else {
                try perImageCol2im(dcols, images: n, channels: c, geometry: g, into: &dx)
            }
            inputGradient = dx
            result[0] = TrainingTensor(shape: x.shape, data: dx)
        }
        return result
    }

    /// `∂X += col2im(∂cols)` for 2-D convolutions, all images at once: `∂cols` is `[C·kH·kW, N·P]`
    /// (column `n·P + oy·OW + ox`), and `∂X[n, c, oy·sH − pH + ky·dH, ox·sW − pW + kx·dW]`
    /// accumulates row `(c·kH + ky)·kW + kx` (the adjoint of `Im2Col.im2colImages`). Parallel over
    /// channels, which write disjoint planes; the order of additions is fixed.
    static func col2im2D(_ dcols: [Float], images n: Int, channels c: Int, geometry g: ConvGeometry, into dx: inout [Float]) {
        let (h, w, oh, ow) = (g.input[0], g.input[1], g.output[0], g.output[1])
        let (kh, kw, sh, sw) = (g.kernel[0], g.kernel[1], g.strides[0], g.strides[1])
        let (dh, dw, ph, pw) = (g.dilations[0], g.dilations[1], g.padsBegin[0], g.padsBegin[1])
        let p = oh * ow, np = n * p
        dcols.withUnsafeBufferPointer { src in
            dx.withUnsafeMutableBufferPointer { dst in
                guard let base = src.baseAddress, let out = dst.baseAddress, np > 0, h * w > 0 else { return }
                ParallelFor.run(c) { channels in
                    for channel in channels {
                        for ky in 0..<kh {
                            for kx in 0..<kw {
                                let row = base + ((channel * kh + ky) * kw + kx) * np
                                // Output columns whose input column is inside: ox·sW − pW + kx·dW ∈ [0, W).
                                let offset = kx * dw - pw
                                let oxa = offset >= 0 ? 0 : (-offset + sw - 1) / sw
                                let oxb = min(ow, w - offset > 0 ? (w - offset - 1) / sw + 1 : 0)
                                guard oxa < oxb else { continue }
                                for image in 0..<n {
                                    let plane = out + (image * c + channel) * h * w
                                    for oy in 0..<oh {
                                        let iy = oy * sh - ph + ky * dh
                                        guard iy >= 0 && iy < h else { continue }
                                        let from = row + image * p + oy * ow, to = plane + iy * w + offset
                                        for ox in oxa..<oxb { to[ox * sw] += from[ox] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// `∂X += col2im(∂cols)` image by image with `Im2Col.col2im` (any spatial rank).
    private func perImageCol2im(_ dcols: [Float], images n: Int, channels c: Int, geometry g: ConvGeometry,
                                into dx: inout [Float]) throws {
        let adjoint = try context.kernel {
            try ConvGeometry(input: g.output, kernel: g.kernel, strides: g.strides, dilations: g.dilations,
                             padsBegin: g.padsBegin, padsEnd: g.padsEnd, output: g.input)
        }
        let p = g.output.reduce(1, *), np = n * p, inSize = g.input.reduce(1, *)
        let ck = dcols.count / max(np, 1)
        var block = [Float](repeating: 0, count: ck * p)
        for image in 0..<n {
            dcols.withUnsafeBufferPointer { src in
                block.withUnsafeMutableBufferPointer { dst in
                    for row in 0..<ck {
                        let s = row * np + image * p, d = row * p
                        for i in 0..<p { dst[d + i] = src[s + i] }
                    }
                }
            }
            try context.kernel {
                try block.withUnsafeBufferPointer { pb in
                    try dx.withUnsafeMutableBufferPointer { pdx in
                        let slice = UnsafeMutableBufferPointer(rebasing: pdx[(image * c * inSize)..<((image + 1) * c * inSize)])
                        try Im2Col.col2im(pb, channels: c, geometry: adjoint, into: slice)
                    }
                }
            }
        }
    }
}
