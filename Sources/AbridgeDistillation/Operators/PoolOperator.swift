import AbridgeIR
import AbridgeKernels

/// 2-D `MaxPool`, `AveragePool` (ceil_mode 0, no dilation, `auto_pad` NOTSET or VALID) and
/// `GlobalAveragePool` (any rank ≥ 3), X `[N, C, H, W]`, float32 (ONNX pooling pages, opsets 1-22).
///
/// MaxPool sends `∂Y` to the first maximum of each window (row-major, as onnxruntime's argmax);
/// AveragePool spreads it evenly over the window, divided by the window size with
/// `count_include_pad` 1, by the number of input elements in the window with 0.
final class PoolOperator: TrainingOperator {
    enum Kind { case max, average(includePad: Bool), globalAverage }
    let context: NodeContext
    let kind: Kind
    let kernel: [Int], strides: [Int], pads: [Int]
    let autoPad: AutoPad
    private var argmax: [Int32] = []
    private var forwardBuffer: [Float] = [], backwardBuffer: [Float] = []
    /// Input elements per parallel chunk.
    static let grain = 1 << 16
    private var geometry: ConvGeometry?

    init(_ node: Node) throws {
        context = NodeContext(node)
        switch node.opType {
        case "MaxPool": kind = .max
        case "AveragePool": kind = .average(includePad: node.intAttribute("count_include_pad", default: 0) != 0)
        default: kind = .globalAverage
        }
        if case .globalAverage = kind {
            kernel = []; strides = []; pads = []; autoPad = .notSet
            return
        }
        guard let k = node.intsAttribute("kernel_shape"), k.count == 2 else {
            throw context.unsupported("kernel_shape \(node.intsAttribute("kernel_shape") ?? []): only 2-D pooling is trained")
        }
        kernel = k
        strides = node.intsAttribute("strides") ?? [1, 1]
        pads = node.intsAttribute("pads") ?? [0, 0, 0, 0]
        let ceil = node.intAttribute("ceil_mode", default: 0)
        guard ceil == 0 else { throw context.unsupported("ceil_mode \(ceil): only ceil_mode 0 is trained") }
        if let d = node.intsAttribute("dilations"), d.contains(where: { $0 != 1 }) {
            throw context.unsupported("dilations \(d): only undilated pooling is trained")
        }
        let pad = node.stringAttribute("auto_pad", default: "NOTSET")
        switch pad {
        case "NOTSET", "": autoPad = .notSet
        case "VALID": autoPad = .valid
        default: throw context.unsupported("auto_pad \(pad): only NOTSET and VALID are trained")
        }
    }

    func forward(_ inputs: [TrainingTensor?]) throws -> TrainingTensor {
        let x = try context.input(inputs, 0, "X")
        if case .globalAverage = kind {
            guard x.shape.count >= 3 else { throw context.shape("X \(x.shape) has no spatial axes") }
            let planes = x.shape[0] * x.shape[1], size = x.shape[2...].reduce(1, *)
            var y = [Float](repeating: 0, count: planes)
            for p in 0..<planes {
                var s: Float = 0
                for i in (p * size)..<((p + 1) * size) { s += x.data[i] }
                y[p] = s / Float(max(size, 1))
            }
            return TrainingTensor(shape: Array(x.shape[0..<2]) + [Int](repeating: 1, count: x.shape.count - 2), data: y)
        }
        guard x.shape.count == 4 else { throw context.shape("X \(x.shape): only 2-D pooling ([N, C, H, W]) is trained") }
        let g = try context.kernel { try ConvGeometry.pool(input: Array(x.shape[2...]), kernel: kernel, strides: strides,
                                                             pads: pads, autoPad: autoPad) }
        geometry = g
        let planes = x.shape[0] * x.shape[1]
        let (h, w, oh, ow) = (g.input[0], g.input[1], g.output[0], g.output[1])
        let (kh, kw, sh, sw, ph, pw) = (kernel[0], kernel[1], g.strides[0], g.strides[1], g.padsBegin[0], g.padsBegin[1])
        let outCount = planes * oh * ow
        // Window bounds per output row and column, clipped to the input.
        let rows = (0..<oh).map { oy in let y0 = oy * sh - ph; return (max(y0, 0), max(max(y0, 0), min(y0 + kh, h))) }
        let cols = (0..<ow).map { ox in let x0 = ox * sw - pw; return (max(x0, 0), max(max(x0, 0), min(x0 + kw, w))) }
        let y: [Float]
        switch kind {
        case .max:
            if argmax.count != outCount { argmax = [Int32](repeating: -1, count: outCount) }
            y = x.data.withUnsafeBufferPointer { px in
                argmax.withUnsafeMutableBufferPointer { pa in
                    Workspace.reuse(&forwardBuffer, count: outCount) { py in
                        ParallelFor.run(planes, minChunk: max(1, Self.grain / max(1, h * w))) { planeRange in
                            for p in planeRange {
                                let plane = px.baseAddress.map { $0 + p * h * w }
                                var o = p * oh * ow
                                for (ya, yb) in rows {
                                    for (xa, xb) in cols {
                                        // The first maximum in row-major order (onnxruntime's argmax).
                                        var best = -Float.infinity, at = -1
                                        if let plane, ya < yb, xa < xb {
                                            at = ya * w + xa
                                            best = plane[at]
                                            for iy in ya..<yb {
                                                for ix in xa..<xb where plane[iy * w + ix] > best {
                                                    best = plane[iy * w + ix]; at = iy * w + ix
                                                }
                                            }
                                        }
                                        py[o] = at < 0 ? 0 : best
                                        pa[o] = Int32(at)
                                        o += 1
                                    }
                                }
                            }
                        }
                    }
                }
            }
        case .average(let includePad):
            y = x.data.withUnsafeBufferPointer { px in
                Workspace.reuse(&forwardBuffer, count: outCount) { py in
                    var o = 0
                    for p in 0..<planes {
                        let base = p * h * w
                        for (ya, yb) in rows {
                            for (xa, xb) in cols {
                                var s: Float = 0
                                for iy in ya..<yb { for ix in xa..<xb { s += px[base + iy * w + ix] } }
                                let count = includePad ? kh * kw : (yb - ya) * (xb - xa)
                                py[o] = count > 0 ? s / Float(count) : 0
                                o += 1
                            }
                        }
                    }
                }
            }
        case .globalAverage:
            throw context.shape("internal: global pooling on the windowed path")
        }
        return TrainingTensor(shape: Array(x.shape[0..<2]) + g.output, data: y)
    }

    func backward(_ gradient: TrainingTensor, inputs: [TrainingTensor?], output: TrainingTensor,
                  needs: [Bool]) throws -> [TrainingTensor?] {
        guard needs[0] else { return [TrainingTensor?](repeating: nil, count: inputs.count) }
        let x = try context.input(inputs, 0, "X")
        let planes = x.shape[0] * x.shape[1]
        if case .globalAverage = kind {
            let size = x.shape[2...].reduce(1, *)
            let dx = gradient.data.withUnsafeBufferPointer { pg in
                Workspace.reuse(&backwardBuffer, count: x.count) { pdx in
                    for p in 0..<planes {
                        let g = pg[p] / Float(max(size, 1))
                        for i in (p * size)..<((p + 1) * size) { pdx[i] = g }
                    }
                }
            }
            return [TrainingTensor(shape: x.shape, data: dx)]
        }
        guard let g = geometry else { throw context.shape("backward before forward") }
        let (h, w, oh, ow) = (g.input[0], g.input[1], g.output[0], g.output[1])
        let (kh, kw, sh, sw, ph, pw) = (kernel[0], kernel[1], g.strides[0], g.strides[1], g.padsBegin[0], g.padsBegin[1])
        let kind = kind
        let dx = gradient.data.withUnsafeBufferPointer { pg in
            argmax.withUnsafeBufferPointer { pa in
                Workspace.reuse(&backwardBuffer, count: x.count, zero: true) { pdx in
                    switch kind {
                    case .max:
                        ParallelFor.run(planes, minChunk: max(1, Self.grain / max(1, h * w))) { planeRange in
                            for p in planeRange {
                                let base = p * h * w
                                for o in (p * oh * ow)..<((p + 1) * oh * ow) where pa[o] >= 0 { pdx[base + Int(pa[o])] += pg[o] }
                            }
                        }
                    case .average(let includePad):
                        for p in 0..<planes {
                            let base = p * h * w
                            for oy in 0..<oh {
                                let y0 = oy * sh - ph
                                let ya = max(y0, 0), yb = max(ya, min(y0 + kh, h))
                                for ox in 0..<ow {
                                    let x0 = ox * sw - pw
                                    let xa = max(x0, 0), xb = max(xa, min(x0 + kw, w))
                                    let count = includePad ? kh * kw : (yb - ya) * (xb - xa)
                                    guard count > 0 else { continue }
                                    let share = pg[(p * oh + oy) * ow + ox] / Float(count)
                                    for iy in ya..<yb { for ix in xa..<xb { pdx[base + iy * w + ix] += share } }
                                }
                            }
                        }
                    case .globalAverage: break
                    }
                }
            }
        }
        return [TrainingTensor(shape: x.shape, data: dx)]
    }
}
