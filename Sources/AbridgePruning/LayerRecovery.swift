import AbridgeData
import AbridgeIR
import AbridgeKernels
import AbridgeRuntime
import Logging

/// One layer to refit after pruning.
struct RefitTarget {
    /// The layer in the pruned model.
    let node: Node
    /// The same layer in the original model.
    let original: Node
    /// For each output row of the pruned weight, the output channel of the original layer it
    /// must reproduce.
    let outputs: [Int]
    /// Keep-mask over the pruned weight's elements (unstructured, N:M); nil when every remaining
    /// weight is free (channel pruning).
    let mask: [Bool]?
}

/// What the refit of one layer did.
public struct RefitRecord: Sendable, Codable {
    public var node: String
    /// Calibration rows (samples × output positions) and unknowns per output row.
    public var rows: Int
    public var inputs: Int
    public var lambda: Double
    /// `‖X W − Y‖² / ‖Y‖²` on the calibration data before and after the refit.
    public var relativeErrorBefore: Double
    public var relativeErrorAfter: Double
    /// Why the layer was not refit (nil when it was).
    public var skipped: String?
    public var warning: String?
}

/// Recovery without training: refits each pruned layer so its outputs on calibration inputs
/// match the original model's, layer by layer from input to output.
///
/// Refit layers: Conv and ConvTranspose with group 1 (1-D, 2-D, 3-D...), Gemm (transA = 0,
/// alpha = 1) and MatMul with a 2-D weight; grouped convolutions and batched MatMul are skipped.
///
/// For layer `L` with weight `W` viewed as `[O, R]` (see `PrunableLayer.matrix`): `X` `[rows, R]`
/// is `L`'s input in the *pruned* model (im2col patches `[C·k...]` per output position for a
/// Conv; for a ConvTranspose `W [C, M, k...]` the "transposed im2col" of `transposedPatches`,
/// `[C·k...]` per output position `o`: entry `(c, j)` is `X[c, i]` with `i = (o + pad_begin − j·d)/s`
/// when exact and inside the input, else 0, against row `m` = `W[:, m, :]`; the last axis for
/// Gemm/MatMul), plus a ones column when `L` has a bias; `Y` `[rows, O]`
/// is `L`'s output in the *original* model (pre-activation: the node's own output), restricted
/// to the output channels that survive. `RidgeAccumulator` folds `XᵀX`, `XᵀY` batch by batch and
/// solves `W' = argmin ‖X W'ᵀ − Y‖² + λ‖W'‖²` on each row's surviving inputs (the pruning mask
/// is kept). The pruned model is re-compiled after every layer so later layers see the refit
/// earlier ones (sequential reconstruction, as in SparseGPT/OBC).
struct LayerRecovery {
    let ridge: Double
    let batchSize: Int
    let limit: Int?
    let logger: Logger

    /// The original model's session and the calibration sample range, shared by every layer.
    struct Source {
        let originalSession: InferenceSession
        let data: DataSet
        let total: Int
        let batch: Int
        /// Samples left out so that the passes fill a batch size the model fixes.
        var leftOut = 0
    }

    /// Prepares the original model and the data. A model that fixes its batch size `b > 1` is
    /// run `b` samples at a time, on the largest multiple of `b` samples (the rest left out).
    /// - Throws: `PruningError.invalidOption` when the data hold no samples, or fewer than a
    ///   fixed batch; runtime errors.
    func source(original: Model, data: DataSet) throws -> Source {
        let originalSession = try InferenceSession(model: original)
        var total = Swift.min(data.count, limit ?? data.count)
        guard total > 0 else { throw PruningError.invalidOption("the calibration data hold no samples") }
        let fixed = originalSession.fixedBatchSize
        var batch = data.isBatchable && fixed == nil ? batchSize : 1
        var leftOut = 0
        if data.isBatchable, let b = fixed, b > 1 {
            guard total >= b else {
                throw PruningError.invalidOption("the model fixes its batch size at \(b), and the calibration data hold \(total) samples")
            }
            batch = b
            leftOut = total % b
            total -= leftOut
        }
        return Source(originalSession: originalSession, data: data, total: total, batch: batch, leftOut: leftOut)
    }

    func refit(_ targets: [RefitTarget], pruned: Model, original: Model, data: DataSet,
               progress: ((Int, Int) -> Void)?) throws -> [RefitRecord] {
        try refit(targets, pruned: pruned, source: try source(original: original, data: data), progress: progress)
    }

    /// Refits `targets` in order against a prepared source.
    func refit(_ targets: [RefitTarget], pruned: Model, source src: Source, progress: ((Int, Int) -> Void)?) throws -> [RefitRecord] {
        var records: [RefitRecord] = []
        for (i, t) in targets.enumerated() {
            records.append(try refit(t, pruned: pruned, source: src))
            progress?(i + 1, targets.count)
        }
        return records
    }

    func refit(_ t: RefitTarget, pruned: Model, source src: Source) throws -> RefitRecord {
        switch try accumulate(t, pruned: pruned, source: src) {
        case .failure(let why): return Self.skipped(t, why.text)
        case .success(let a): return solve(t, a)
        }
    }

    /// The sums of one layer's refit problem, and what is needed to write its solution back.
    struct Accumulated {
        let label: String
        let layer: PrunableLayer
        let matrix: WeightMatrix
        let bias: Value?
        var acc: RidgeAccumulator
        /// Calibration rows left out because they held NaN or infinite values.
        var nonFiniteRows = 0
    }

    static func skipped(_ t: RefitTarget, _ why: String) -> RefitRecord {
        RefitRecord(node: t.node.name ?? t.node.label, rows: 0, inputs: 0, lambda: 0, relativeErrorBefore: 0, relativeErrorAfter: 0,
                    skipped: why, warning: nil)
    }

    /// Runs the calibration data through the pruned and the original model and accumulates
    /// `XᵀX`, `XᵀY` of layer `t` (see the type's documentation).
    /// - Returns: the sums, or why the layer cannot be refit.
    func accumulate(_ t: RefitTarget, pruned: Model, source src: Source) throws -> Result<Accumulated, SkipReason> {
        let (originalSession, data, total, batch) = (src.originalSession, src.data, src.total, src.batch)
        let label = t.node.name ?? t.node.label
        let (layerOpt, reason) = PrunableLayer.classify(t.node)
        guard let layer = layerOpt, let matrix = layer.matrix else {
            return .failure(SkipReason(reason ?? "not a plain matrix product (grouped Conv or ConvTranspose, or batched MatMul)"))
        }
        guard let x = t.node.inputs[0] else { return .failure(SkipReason("no input")) }
        var biasValue: Value? = nil
        if layer.kind != .matMul, t.node.inputs.count >= 3, let b = t.node.inputs[2] {
            guard let bt = b.initializer, bt.elementType == .float || bt.elementType == .float16, bt.elementCount == matrix.rows, b.uses.count == 1 else {
                return .failure(SkipReason("bias '\(b.name)' is not a per-output FLOAT initializer"))
            }
            biasValue = b
        }
        if layer.kind == .gemm {
            if (t.node.attribute("alpha")?.float ?? 1) != 1 { return .failure(SkipReason("Gemm alpha != 1")) }
            if biasValue != nil && (t.node.attribute("beta")?.float ?? 1) != 1 { return .failure(SkipReason("Gemm beta != 1")) }
        }
        let r = matrix.cols, o = matrix.rows
        let d = r + (biasValue == nil ? 0 : 1)
        guard t.outputs.count == o else { return .failure(SkipReason("output map has \(t.outputs.count) rows, weight has \(o)")) }
        let session = try InferenceSession(model: pruned)
        let pObs = CaptureObserver([x]), oObs = CaptureObserver([t.original.outputs[0]])
        var acc = RidgeAccumulator(inputs: d, outputs: o)
        var nonFiniteRows = 0
        var start = 0
        while start < total {
            let range = start..<Swift.min(start + batch, total)
            let feed = try data.feed(range)
            pObs.reset(); oObs.reset()
            _ = try session.run(feed, observer: pObs)
            _ = try originalSession.run(feed, observer: oObs)
            guard let xt = pObs.tensor(x, feed: feed), let yt = oObs.tensor(t.original.outputs[0], feed: feed) else {
                throw PruningError.recoveryFailed(node: label, reason: "the layer's input or the original output was not computed")
            }
            var (xs, ys, n): ([Double], [Double], Int)
            do {
                (xs, ys, n) = try rows(layer: layer, x: xt, y: yt, cols: r, bias: biasValue != nil, outputs: t.outputs, label: label)
            } catch let why as SkipReason {
                return .failure(why)
            }
            // Rows with a NaN or infinity (in the data or produced by the model) would poison
            // the sums: they are left out and counted.
            if !xs.allSatisfy(\.isFinite) || !ys.allSatisfy(\.isFinite) {
                let o = t.outputs.count
                var fx: [Double] = [], fy: [Double] = [], kept = 0
                for i in 0..<n {
                    let xr = xs[(i * d)..<((i + 1) * d)], yr = ys[(i * o)..<((i + 1) * o)]
                    guard xr.allSatisfy(\.isFinite), yr.allSatisfy(\.isFinite) else { continue }
                    fx += xr; fy += yr; kept += 1
                }
                nonFiniteRows += n - kept
                (xs, ys, n) = (fx, fy, kept)
            }
            try acc.add(x: xs, y: ys, rows: n)
            start = range.upperBound
        }
        guard acc.rows > 0 else {
            return .failure(SkipReason("every calibration row holds NaN or infinite values"))
        }
        return .success(Accumulated(label: label, layer: layer, matrix: matrix, bias: biasValue, acc: acc,
                                    nonFiniteRows: nonFiniteRows))
    }

    /// Solves the accumulated problem and writes the refit weights (and bias) into the model.
    func solve(_ t: RefitTarget, _ a: Accumulated) -> RefitRecord {
        let (label, layer, matrix, acc) = (a.label, a.layer, a.matrix, a.acc)
        let r = matrix.cols, o = matrix.rows
        let d = r + (a.bias == nil ? 0 : 1)
        // Current weights as rows (for the error before).
        guard var w = try? PrunableLayer.floats(of: layer.weight) else { return Self.skipped(t, "the weight cannot be read") }
        var bias = a.bias.flatMap { try? PrunableLayer.floats(of: $0) }
        if a.bias != nil && bias == nil { return Self.skipped(t, "the bias cannot be read") }
        func currentRow(_ j: Int) -> [Double] {
            var row = (0..<r).map { Double(w[matrix.index(j, $0)]) }
            if let bias { row.append(Double(bias[j])) }
            return row
        }
        // Inputs that were zero on every calibration row carry no information: they are left
        // out of the solve and keep their weights (a ridge solve would set them to exactly 0).
        let dead = Set((0..<r).filter { acc.xtx[$0 * d + $0] == 0 })
        let support: (Int) -> [Int]? = { j in
            guard t.mask != nil || !dead.isEmpty else { return nil }
            var s = (0..<r).filter { !dead.contains($0) && (t.mask?[matrix.index(j, $0)] ?? true) }
            if d > r { s.append(r) }
            return s
        }
        let solution = acc.solve(ridge: ridge, support: support, unregularized: d > r ? r : nil)
        let yNorm = Swift.max(acc.ySquared.reduce(0, +), 1e-30)
        var before = 0.0, after = 0.0
        for j in 0..<o {
            let old = currentRow(j)
            let eOld = acc.residual(old, output: j)
            before += eOld
            guard var new = solution.weights[j] else { after += eOld; continue }
            for c in dead { new[c] = old[c] }
            let eNew = acc.residual(new, output: j)
            if eNew > eOld { after += eOld; continue }   // never make a row worse
            after += eNew
            for c in 0..<r { w[matrix.index(j, c)] = Float(new[c]) }
            if bias != nil { bias?[j] = Float(new[r]) }
        }
        PrunableLayer.store(w, dims: layer.dims, in: layer.weight)
        if let b = a.bias, let bias, let dims = b.initializer?.dims.map({ Int($0) }) { PrunableLayer.store(bias, dims: dims, in: b) }
        var warnings: [String] = []
        if a.nonFiniteRows > 0 {
            warnings.append("\(label): \(a.nonFiniteRows) calibration rows with NaN or infinite values were left out of the refit")
        }
        if acc.rows < d {
            warnings.append("\(label): \(acc.rows) calibration rows for \(d) inputs per output; the refit is underdetermined and leans on the ridge term (give more samples)")
        }
        let warning = warnings.isEmpty ? nil : warnings.joined(separator: "; ")
        return RefitRecord(node: label, rows: acc.rows, inputs: d, lambda: solution.lambda,
                           relativeErrorBefore: before / yNorm, relativeErrorAfter: after / yNorm, skipped: nil, warning: warning)
    }

    /// Builds `X` `[n, cols(+1)]` and `Y` `[n, outputs.count]` rows (Double) for one batch.
    private func rows(layer: PrunableLayer, x: RuntimeTensor, y: RuntimeTensor, cols r: Int, bias: Bool,
                      outputs: [Int], label: String) throws -> ([Double], [Double], Int) {
        guard x.dataType == .float || x.dataType == .float16, y.dataType == .float || y.dataType == .float16 else {
            throw PruningError.recoveryFailed(node: label, reason: "activations are not FLOAT")
        }
        let d = r + (bias ? 1 : 0), o = outputs.count
        let xv = try x.floatValues(), yv = try y.floatValues()   // float16 activations widened
        switch layer.kind {
        case .gemm, .matMul:
            guard let k = x.shape.last, k == r, let nOut = y.shape.last else {
                throw PruningError.recoveryFailed(node: label, reason: "input shape \(x.shape) does not end in \(r)")
            }
            let n = x.count / Swift.max(r, 1)
            guard y.count == n * nOut, outputs.allSatisfy({ $0 < nOut }) else {
                throw PruningError.recoveryFailed(node: label, reason: "original output shape \(y.shape) does not match \(n) rows")
            }
            var xs = [Double](repeating: 1, count: n * d), ys = [Double](repeating: 0, count: n * o)
            for i in 0..<n {
                for c in 0..<r { xs[i * d + c] = Double(xv[i * r + c]) }
                for (j, oc) in outputs.enumerated() { ys[i * o + j] = Double(yv[i * nOut + oc]) }
            }
            return (xs, ys, n)
        case .conv:
            guard x.rank == layer.dims.count, y.rank == layer.dims.count else {
                throw PruningError.recoveryFailed(node: label, reason: "input rank \(x.rank) does not match the weight rank \(layer.dims.count)")
            }
            let node = layer.node
            let autoPad = AutoPad(rawValue: node.attribute("auto_pad")?.string ?? "NOTSET") ?? .notSet
            let g = try ConvGeometry.conv(input: Array(x.shape.dropFirst(2)), kernel: Array(layer.dims.dropFirst(2)),
                                          strides: (node.attribute("strides")?.ints ?? []).map { Int($0) },
                                          dilations: (node.attribute("dilations")?.ints ?? []).map { Int($0) },
                                          pads: (node.attribute("pads")?.ints ?? []).map { Int($0) }, autoPad: autoPad)
            let batch = x.shape[0], channels = x.shape[1]
            let p = g.output.reduce(1, *)
            let mOut = y.shape[1]
            guard channels * g.kernel.reduce(1, *) == r, y.shape[0] == batch, Array(y.shape.dropFirst(2)) == g.output,
                  outputs.allSatisfy({ $0 < mOut }) else {
                throw PruningError.recoveryFailed(node: label, reason: "shapes do not match: input \(x.shape), original output \(y.shape), weight \(layer.dims)")
            }
            let inSize = channels * g.input.reduce(1, *)
            var col = [Float](repeating: 0, count: r * p)
            var xs = [Double](repeating: 1, count: batch * p * d), ys = [Double](repeating: 0, count: batch * p * o)
            for b in 0..<batch {
                try xv.withUnsafeBufferPointer { px in
                    try col.withUnsafeMutableBufferPointer { pc in
                        try Im2Col.im2col(UnsafeBufferPointer(rebasing: px[(b * inSize)..<((b + 1) * inSize)]), channels: channels,
                                          geometry: g, positions: 0..<p, padValue: 0, into: pc)
                    }
                }
                for q in 0..<p {
                    let row = b * p + q
                    for c in 0..<r { xs[row * d + c] = Double(col[c * p + q]) }
                    for (j, oc) in outputs.enumerated() { ys[row * o + j] = Double(yv[(b * mOut + oc) * p + q]) }
                }
            }
            return (xs, ys, batch * p)
        case .convTranspose:
            guard x.rank == layer.dims.count, y.rank == layer.dims.count else {
                throw PruningError.recoveryFailed(node: label, reason: "input rank \(x.rank) does not match the weight rank \(layer.dims.count)")
            }
            let g: ConvGeometry
            do {
                g = try Self.convTransposeGeometry(layer.node, input: Array(x.shape.dropFirst(2)), kernel: Array(layer.dims.dropFirst(2)))
            } catch {
                throw SkipReason("the ConvTranspose geometry cannot be resolved: \(error)")
            }
            // Negative pads (an output_shape beyond the full result) are split differently by
            // runtimes when odd; such layers are left alone rather than fit to a guess.
            guard g.padsBegin.allSatisfy({ $0 >= 0 }), g.padsEnd.allSatisfy({ $0 >= 0 }) else {
                throw SkipReason("ConvTranspose output_shape/auto_pad needs negative pads \(g.onnxPads)")
            }
            let batch = x.shape[0], channels = x.shape[1]
            let k = g.kernel.reduce(1, *), p = g.output.reduce(1, *), inSize = g.input.reduce(1, *)
            let mOut = y.shape[1]
            guard channels * k == r, y.shape[0] == batch, Array(y.shape.dropFirst(2)) == g.output,
                  outputs.allSatisfy({ $0 < mOut }) else {
                throw PruningError.recoveryFailed(node: label, reason: "shapes do not match: input \(x.shape), original output \(y.shape), weight \(layer.dims), computed output \(g.output)")
            }
            let sources = Self.transposedSources(g)
            var xs = [Double](repeating: 1, count: batch * p * d), ys = [Double](repeating: 0, count: batch * p * o)
            let image = channels * inSize, width = channels * k
            for b in 0..<batch {
                let patches = Self.transposedPatches(Array(xv[(b * image)..<((b + 1) * image)]), channels: channels, geometry: g, sources: sources)
                for q in 0..<p {
                    let row = b * p + q
                    for i in 0..<width { xs[row * d + i] = Double(patches[q * width + i]) }
                    for (jo, oc) in outputs.enumerated() { ys[row * o + jo] = Double(yv[(b * mOut + oc) * p + q]) }
                }
            }
            return (xs, ys, batch * p)
        }
    }

    /// The geometry of a ConvTranspose node on an input of spatial shape `input`, from its
    /// `strides`, `dilations`, `pads`, `output_padding`, `output_shape` (spatial, or with N and C
    /// first) and `auto_pad` attributes, resolved by `ConvGeometry.convTranspose`.
    /// - Throws: `KernelError.invalidArgument` for inconsistent attributes.
    static func convTransposeGeometry(_ node: Node, input: [Int], kernel: [Int]) throws -> ConvGeometry {
        let ints: (String) -> [Int] = { (node.attribute($0)?.ints ?? []).map { Int(clamping: $0) } }
        var outputShape = ints("output_shape")
        if outputShape.count == kernel.count + 2 { outputShape = Array(outputShape.dropFirst(2)) }
        let autoPad = AutoPad(rawValue: node.attribute("auto_pad")?.string ?? "NOTSET") ?? .notSet
        return try ConvGeometry.convTranspose(input: input, kernel: kernel, strides: ints("strides"), dilations: ints("dilations"),
                                              pads: ints("pads"), outputPadding: ints("output_padding"),
                                              outputShape: outputShape, autoPad: autoPad)
    }

    /// The "transposed im2col" of a ConvTranspose: `Y[m, q] = Σ_c Σ_j X[c, i(q, j)] · W[c, m, j]`,
    /// where, per spatial axis, output coordinate `o` receives kernel offset `j` from input
    /// coordinate `i = (o + pad_begin − j·d) / s` when that division is exact and `0 <= i < in`
    /// (`o = i·s − pad_begin + j·d`, the col2im scatter of `Im2Col.col2im` read backwards).
    /// - Returns: `[P·K]`: for output position `q` (row-major over `g.output`) and kernel offset `j`
    ///   (row-major over `g.kernel`), the input position (row-major over `g.input`) at `q·K + j`,
    ///   or -1 when no input reaches `q` through `j` (the patch entry is 0).
    static func transposedSources(_ g: ConvGeometry) -> [Int] {
        let n = g.rank
        let k = g.kernel.reduce(1, *), p = g.output.reduce(1, *)
        guard n >= 1, k > 0, p > 0 else { return [] }
        // Per axis: [out_a · k_a] input coordinates (or -1).
        var axisTables: [[Int]] = []
        for a in 0..<n {
            var t = [Int](repeating: -1, count: g.output[a] * g.kernel[a])
            for o in 0..<g.output[a] {
                for j in 0..<g.kernel[a] {
                    let num = o + g.padsBegin[a] - j * g.dilations[a]
                    guard num >= 0, num % g.strides[a] == 0 else { continue }
                    let i = num / g.strides[a]
                    if i < g.input[a] { t[o * g.kernel[a] + j] = i }
                }
            }
            axisTables.append(t)
        }
        var inStrides = [Int](repeating: 1, count: n)
        for a in stride(from: n - 2, through: 0, by: -1) { inStrides[a] = inStrides[a + 1] * g.input[a + 1] }
        var sources = [Int](repeating: -1, count: p * k)
        var oc = [Int](repeating: 0, count: n), kc = [Int](repeating: 0, count: n)
        for q in 0..<p {
            var rem = q
            for a in stride(from: n - 1, through: 0, by: -1) { oc[a] = rem % g.output[a]; rem /= g.output[a] }
            for j in 0..<k {
                var rj = j
                for a in stride(from: n - 1, through: 0, by: -1) { kc[a] = rj % g.kernel[a]; rj /= g.kernel[a] }
                var offset = 0, valid = true
                for a in 0..<n {
                    let i = axisTables[a][oc[a] * g.kernel[a] + kc[a]]
                    if i < 0 { valid = false; break }
                    offset += i * inStrides[a]
                }
                if valid { sources[q * k + j] = offset }
            }
        }
        return sources
    }

    /// The transposed patches of one image `x` `[C, input...]` (see `transposedSources`):
    /// `[P, C·K]` row-major, entry `(q, c·K + j)` = `X[c, i(q, j)]` or 0, so that with the
    /// ConvTranspose weight viewed as `PrunableLayer.matrix` (row `m` = `W[:, m, :]` flattened),
    /// `Y[m, q] = patch(q) · row_m + bias[m]`.
    static func transposedPatches(_ x: [Float], channels: Int, geometry g: ConvGeometry, sources given: [Int]? = nil) -> [Float] {
        let k = g.kernel.reduce(1, *), p = g.output.reduce(1, *), inSize = g.input.reduce(1, *)
        let sources = given ?? transposedSources(g)
        guard sources.count == p * k, x.count >= channels * inSize else { return [] }
        var out = [Float](repeating: 0, count: p * channels * k)
        for q in 0..<p {
            for j in 0..<k {
                let src = sources[q * k + j]
                guard src >= 0 else { continue }
                for c in 0..<channels { out[(q * channels + c) * k + j] = x[c * inSize + src] }
            }
        }
        return out
    }
}
