/// N-D transposed convolution (ONNX `ConvTranspose`, opsets 1/11/22) on float32 via sgemm + col2im.
///
/// X `[N, C, D1, ..., Dn]`, W `[C, M / group, k1, ..., kn]`, optional B `[M]` -> Y `[N, M, O1, ..., On]`
/// with `O` = `geometry.output` from `ConvGeometry.convTranspose` (which folds `output_padding`,
/// `output_shape` and `auto_pad` into output size and pads). Per image and group:
/// `col [Mg * K, P_in] = W_g^T @ X_g`, then `Y_g += col2im(col)`.
public enum ConvTranspose {
    /// Output shape `[N, M, O1, ..., On]`. - Throws: `KernelError.invalidShape`.
    public static func outputShape(xShape: [Int], wShape: [Int], geometry: ConvGeometry, group: Int) throws -> [Int] {
        try ConvPlan(xShape: xShape, wShape: wShape, geometry: geometry, group: group, transposed: true).yShape
    }

    /// Computes Y = ConvTranspose(X, W, B); `y` is fully overwritten.
    /// - Throws: `KernelError.invalidShape`, `.bufferSize`, `.overflow`.
    public static func run(x: UnsafeBufferPointer<Float>, xShape: [Int], w: UnsafeBufferPointer<Float>, wShape: [Int],
                           bias: UnsafeBufferPointer<Float>?, geometry g: ConvGeometry, group: Int,
                           into y: UnsafeMutableBufferPointer<Float>) throws {
        let plan = try ConvPlan(xShape: xShape, wShape: wShape, geometry: g, group: group, transposed: true)
        try plan.checkBuffers(x: x.count, w: w.count, bias: bias?.count, y: y.count)
        let inSize = plan.inSize, outSize = plan.outSize, cg = plan.cPerGroup, mg = plan.mPerGroup
        let colRows = mg * plan.kernelSize
        for i in 0..<y.count { y[i] = 0 }
        let colCount = try ShapeMath.elementCount([colRows, inSize], kernel: "ConvTranspose")
        _ = try MemoryLimit.checkScratch(elements: colCount, elementSize: MemoryLayout<Float>.stride, kernel: "ConvTranspose", buffer: "col")
        var col = [Float](repeating: 0, count: colCount)
        if colRows > 0 && inSize > 0 {
            for n in 0..<plan.batch {
                for gi in 0..<group {
                    let xg = UnsafeBufferPointer(rebasing: x[((n * plan.c + gi * cg) * inSize)..<((n * plan.c + (gi + 1) * cg) * inSize)])
                    let wg = UnsafeBufferPointer(rebasing: w[(gi * cg * colRows)..<((gi + 1) * cg * colRows)])
                    let yBase = (n * plan.m + gi * mg) * outSize
                    try col.withUnsafeMutableBufferPointer { colBuffer in
                        // W_g is stored [Cg, Mg * K]; col = W_g^T @ X_g.
                        try Gemm.sgemm(transA: true, transB: false, m: colRows, n: inSize, k: cg, alpha: 1,
                                       a: wg, lda: colRows, b: xg, ldb: inSize, beta: 0, c: colBuffer, ldc: inSize)
                        try Im2Col.col2im(UnsafeBufferPointer(colBuffer), channels: mg, geometry: g,
                                          into: UnsafeMutableBufferPointer(rebasing: y[yBase..<(yBase + mg * outSize)]))
                    }
                }
            }
        }
        if let bias {
            for n in 0..<plan.batch {
                for m in 0..<plan.m {
                    let base = (n * plan.m + m) * outSize
                    for p in 0..<outSize { y[base + p] += bias[m] }
                }
            }
        }
    }
}
