/// N-D convolution (ONNX `Conv`, opsets 1/11/22) on float32 via im2col + `cblas_sgemm`.
///
/// X `[N, C, D1, ..., Dn]`, W `[M, C / group, k1, ..., kn]`, optional B `[M]` -> Y `[N, M, O1, ..., On]`
/// with `O` = `geometry.output` (see `ConvGeometry.conv`). Any number of spatial axes >= 1; groups,
/// strides, dilations and asymmetric pads supported.
///
/// Two lowerings (same arithmetic per output: the bias, then the GEMM's sum over `C/group * prod(kernel)`):
/// - small images (`prod(O) < batchedPositionLimit`): `runBatched`, one im2col of several images side by
///   side and one GEMM per chunk of images and group;
/// - larger images: one GEMM per image and group, directly on the input for 1x1 kernels with stride 1 and
///   no pads, else on an im2col buffer tiled over output positions (at most ~`tileElements` floats).
public enum Convolution {
    /// Maximum number of floats in one im2col tile.
    public static let tileElements = 1 << 22
    /// Images with fewer output positions than this (per image) run through `runBatched`.
    public static let batchedPositionLimit = 256
    /// Target number of floats of one chunk's scratch in `runBatched` (im2col columns plus GEMM result);
    /// 1 << 19 floats is 2 MiB. A single image larger than this still makes a chunk of one.
    public static let batchedChunkElements = 1 << 19

    /// Output shape `[N, M, O1, ..., On]`. - Throws: `KernelError.invalidShape` on inconsistent shapes.
    public static func outputShape(xShape: [Int], wShape: [Int], geometry: ConvGeometry, group: Int) throws -> [Int] {
        try ConvPlan(xShape: xShape, wShape: wShape, geometry: geometry, group: group, transposed: false).yShape
    }

    /// Computes Y = Conv(X, W, B). `y` must have `outputShape` elements; it is fully overwritten.
    /// - Throws: `KernelError.invalidShape`, `.bufferSize`, `.overflow`.
    public static func run(x: UnsafeBufferPointer<Float>, xShape: [Int], w: UnsafeBufferPointer<Float>, wShape: [Int],
                           bias: UnsafeBufferPointer<Float>?, geometry g: ConvGeometry, group: Int,
                           into y: UnsafeMutableBufferPointer<Float>) throws {
        let plan = try ConvPlan(xShape: xShape, wShape: wShape, geometry: g, group: group, transposed: false)
        try plan.checkBuffers(x: x.count, w: w.count, bias: bias?.count, y: y.count)
        let outSize = plan.outSize, inSize = plan.inSize, cg = plan.cPerGroup, mg = plan.mPerGroup
        let rows = cg * plan.kernelSize
        let pointwise = plan.kernelSize == 1 && g.strides.allSatisfy { $0 == 1 }
            && g.padsBegin.allSatisfy { $0 == 0 } && g.padsEnd.allSatisfy { $0 == 0 } && g.input == g.output
        // A single image of a 1x1 convolution needs no im2col at all (GEMM on X below).
        if outSize > 0, rows > 0, outSize < batchedPositionLimit, !(pointwise && plan.batch == 1) {
            try runBatched(x: x, w: w, bias: bias, plan: plan, geometry: g, group: group, into: y,
                           chunkElements: batchedChunkElements)
            return
        }
        // Bias first; GEMM then accumulates with beta = 1.
        guard let py = y.baseAddress else { return }
        for n in 0..<plan.batch {
            for m in 0..<plan.m {
                let v: Float = bias.map { $0[m] } ?? 0
                (py + (n * plan.m + m) * outSize).update(repeating: v, count: outSize)
            }
        }
        guard outSize > 0, rows > 0 else { return }
        let tile = pointwise ? outSize : max(1, min(outSize, tileElements / rows))
        // Scratch from the shared pool (im2col writes every entry it covers, pads included).
        let colCount = pointwise ? 0 : rows * tile, colBytes = colCount * MemoryLayout<Float>.stride
        let colMemory = BufferPool.shared.allocate(byteCount: colBytes)
        defer { BufferPool.shared.release(colMemory, capacity: BufferPool.capacity(for: colBytes)) }
        let colBuffer = UnsafeMutableBufferPointer(start: colMemory.bindMemory(to: Float.self, capacity: colCount), count: colCount)
        for n in 0..<plan.batch {
            for gi in 0..<group {
                let xg = UnsafeBufferPointer(rebasing: x[((n * plan.c + gi * cg) * inSize)..<((n * plan.c + (gi + 1) * cg) * inSize)])
                let wg = UnsafeBufferPointer(rebasing: w[(gi * mg * rows)..<((gi + 1) * mg * rows)])
                let yBase = (n * plan.m + gi * mg) * outSize
                if pointwise {
                    try Gemm.sgemm(transA: false, transB: false, m: mg, n: outSize, k: rows, alpha: 1, a: wg, lda: rows,
                                   b: xg, ldb: outSize, beta: 1,
                                   c: UnsafeMutableBufferPointer(rebasing: y[yBase...]), ldc: outSize)
                    continue
                }
                var p0 = 0
                while p0 < outSize {
                    let p1 = min(outSize, p0 + tile), width = p1 - p0
                    try Im2Col.im2col(xg, channels: cg, geometry: g, positions: p0..<p1, padValue: 0, into: colBuffer)
                    try Gemm.sgemm(transA: false, transB: false, m: mg, n: width, k: rows, alpha: 1, a: wg, lda: rows,
                                   b: UnsafeBufferPointer(colBuffer), ldb: width, beta: 1,
                                   c: UnsafeMutableBufferPointer(rebasing: y[(yBase + p0)...]), ldc: outSize)
                    p0 = p1
                }
            }
        }
    }
}

extension Convolution {
    /// Conv of a batch of small images: per chunk of `B` images and per group, one im2col of the `B`
    /// images side by side and one GEMM, then the result is scattered to NCHW.
    ///
    /// Layouts (row-major; `Cg = C / group`, `Mg = M / group`, `K = Cg * prod(kernel)`, `P = prod(O)`):
    /// - `col` `[K, B * P]`: image `b`'s im2col block in columns `b * P ..< (b + 1) * P`
    ///   (`Im2Col.im2colImages`);
    /// - W of group `gi`: rows `gi * Mg ..< (gi + 1) * Mg` of W viewed as `[M, K]`;
    /// - GEMM result `R` `[Mg, B * P]` = bias broadcast along rows, then `+= W_gi * col` (beta = 1, as the
    ///   per-image path, so each output is `bias + sum` accumulated the same way);
    /// - scatter: `Y[n0 + b, gi * Mg + m, p] = R[m, b * P + p]` (a transpose of the `[Mg, B]` blocks of `P`).
    ///   A chunk of one image writes its GEMM result straight into Y (same layout).
    ///
    /// `B = max(1, chunkElements / ((K + Mg) * P))`, at most N, so the pooled scratch (`col` and `R`)
    /// stays near `chunkElements` floats. Threads: im2col is parallel over the rows of `col`, the GEMM
    /// over OpenBLAS's threads, the scatter over images; each output is written by one thread.
    /// - Throws: `KernelError.overflow` when the scratch size overflows, errors of `Im2Col` and `Gemm`.
    static func runBatched(x: UnsafeBufferPointer<Float>, w: UnsafeBufferPointer<Float>, bias: UnsafeBufferPointer<Float>?,
                           plan: ConvPlan, geometry g: ConvGeometry, group: Int,
                           into y: UnsafeMutableBufferPointer<Float>, chunkElements: Int) throws {
        let outSize = plan.outSize, cg = plan.cPerGroup, mg = plan.mPerGroup
        let rows = cg * plan.kernelSize, batch = plan.batch
        guard batch > 0, outSize > 0, rows > 0, mg > 0, let py = y.baseAddress else { return }
        let perImage = try ShapeMath.elementCount([rows + mg, outSize], kernel: "Conv")
        let chunk = max(1, min(batch, chunkElements / perImage))
        let width = chunk * outSize    // cannot overflow: chunk * perImage <= max(chunkElements, perImage)
        let colCount = rows * width, resultCount = chunk > 1 ? mg * width : 0
        let scratchBytes = (colCount + resultCount) * MemoryLayout<Float>.stride
        let memory = BufferPool.shared.allocate(byteCount: scratchBytes)
        defer { BufferPool.shared.release(memory, capacity: BufferPool.capacity(for: scratchBytes)) }
        let scratch = memory.bindMemory(to: Float.self, capacity: colCount + resultCount)
        let col = UnsafeMutableBufferPointer(start: scratch, count: colCount)
        let imageStride = plan.c * plan.inSize
        var n0 = 0
        while n0 < batch {
            let images = min(chunk, batch - n0), cols = images * outSize
            for gi in 0..<group {
                let xStart = (n0 * plan.c + gi * cg) * plan.inSize
                try Im2Col.im2colImages(UnsafeBufferPointer(rebasing: x[xStart...]), imageStride: imageStride, images: images,
                                        channels: cg, geometry: g, padValue: 0, into: col)
                // With one image, R is Y's [Mg, P] block of that image and group.
                let direct = images == 1
                let result = direct ? py + (n0 * plan.m + gi * mg) * outSize : scratch + colCount
                for m in 0..<mg {
                    (result + m * cols).update(repeating: bias.map { $0[gi * mg + m] } ?? 0, count: cols)
                }
                try Gemm.sgemm(transA: false, transB: false, m: mg, n: cols, k: rows, alpha: 1,
                               a: UnsafeBufferPointer(rebasing: w[(gi * mg * rows)..<((gi + 1) * mg * rows)]), lda: rows,
                               b: UnsafeBufferPointer(col), ldb: cols, beta: 1,
                               c: UnsafeMutableBufferPointer(start: result, count: mg * cols), ldc: cols)
                if direct { continue }
                ParallelFor.run(images, minChunk: max(1, 8192 / (mg * outSize))) { range in
                    for b in range {
                        let dst = py + ((n0 + b) * plan.m + gi * mg) * outSize
                        for m in 0..<mg {
                            (dst + m * outSize).update(from: result + m * cols + b * outSize, count: outSize)
                        }
                    }
                }
            }
            n0 += images
        }
    }
}

/// Validated channel/group/size bookkeeping shared by `Convolution`, `ConvTranspose` and `IntegerConvolution`.
public struct ConvPlan: Sendable {
    /// Batch size N.
    public let batch: Int
    /// Input channels C.
    public let c: Int
    /// Output channels M.
    public let m: Int
    /// Input channels per group.
    public let cPerGroup: Int
    /// Output channels per group.
    public let mPerGroup: Int
    /// `prod(kernel)`.
    public let kernelSize: Int
    /// `prod(geometry.input)`.
    public let inSize: Int
    /// `prod(geometry.output)`.
    public let outSize: Int
    /// Output shape `[N, M, O...]`.
    public let yShape: [Int]
    let xCount: Int, wCount: Int

    /// Validates shapes. Conv: W `[M, C/group, k...]`; ConvTranspose (`transposed`): W `[C, M/group, k...]`.
    /// - Throws: `KernelError.invalidShape`, `.invalidArgument`, `.overflow`.
    public init(xShape: [Int], wShape: [Int], geometry g: ConvGeometry, group: Int, transposed: Bool) throws {
        let name = transposed ? "ConvTranspose" : "Conv"
        let r = g.rank
        guard r >= 1, xShape.count == r + 2, wShape.count == r + 2 else {
            throw KernelError.invalidShape(kernel: name, message: "X \(xShape) and W \(wShape) must have rank \(r + 2) (>= 3)")
        }
        guard group >= 1, xShape[1] % group == 0 else {
            throw KernelError.invalidArgument(kernel: name, message: "group \(group) must divide C = \(xShape[1])")
        }
        guard Array(xShape[2...]) == g.input, Array(wShape[2...]) == g.kernel else {
            throw KernelError.invalidShape(kernel: name, message: "X \(xShape) / W \(wShape) spatial dims differ from geometry input \(g.input) kernel \(g.kernel)")
        }
        batch = xShape[0]; c = xShape[1]; cPerGroup = c / group
        if transposed {
            guard wShape[0] == c else {
                throw KernelError.invalidShape(kernel: name, message: "W \(wShape) must have C = \(c) as first dim")
            }
            mPerGroup = wShape[1]; m = mPerGroup * group
        } else {
            guard wShape[1] == cPerGroup, wShape[0] % group == 0 else {
                throw KernelError.invalidShape(kernel: name, message: "W \(wShape) must be [M, C/group = \(cPerGroup), ...] with group \(group) dividing M")
            }
            m = wShape[0]; mPerGroup = m / group
        }
        yShape = [batch, m] + g.output
        kernelSize = try ShapeMath.elementCount(g.kernel, kernel: name)
        inSize = try ShapeMath.elementCount(g.input, kernel: name)
        outSize = try ShapeMath.elementCount(g.output, kernel: name)
        xCount = try ShapeMath.elementCount(xShape, kernel: name)
        wCount = try ShapeMath.elementCount(wShape, kernel: name)
        // Reject sizes whose output or im2col buffer would overflow `Int`.
        _ = try ShapeMath.elementCount(yShape, kernel: name)
        _ = try ShapeMath.elementCount([cPerGroup, kernelSize, max(inSize, outSize)], kernel: name)
    }

    /// Checks buffer sizes. - Throws: `KernelError.bufferSize`.
    public func checkBuffers(x: Int, w: Int, bias: Int?, y: Int) throws {
        try ShapeMath.checkCount(x, xCount, kernel: "Conv", buffer: "X")
        try ShapeMath.checkCount(w, wCount, kernel: "Conv", buffer: "W")
        if let bias { try ShapeMath.checkCount(bias, m, kernel: "Conv", buffer: "B") }
        try ShapeMath.checkCount(y, batch * m * outSize, kernel: "Conv", buffer: "Y")
    }
}
