/// ONNX `ConvInteger` (opset 10): N-D convolution of 8-bit X and W with zero points, Int32 output, via
/// im2col (padding with the X zero point, so pads contribute 0 after subtraction) + `IntegerGemm`.
///
/// X `[N, C, D...]`, W `[M, C / group, k...]`, `xZeroPoint` one value, `wZeroPoint` one value or `[M]`
/// (per output channel) -> Y int32 `[N, M, O...]` with `O = geometry.output` (`ConvGeometry.conv`).
public enum IntegerConvolution {
    /// Computes Y = ConvInteger(X, W, x_zero_point, w_zero_point).
    /// - Throws: `KernelError.invalidShape`, `.bufferSize`, `.overflow`.
    @inlinable
    public static func run<X: FixedWidthInteger, W: FixedWidthInteger>(
        x: UnsafeBufferPointer<X>, xShape: [Int], xZeroPoint: X = 0,
        w: UnsafeBufferPointer<W>, wShape: [Int], wZeroPoint: UnsafeBufferPointer<W>? = nil,
        geometry g: ConvGeometry, group: Int, into y: UnsafeMutableBufferPointer<Int32>
    ) throws {
        let plan = try ConvPlan(xShape: xShape, wShape: wShape, geometry: g, group: group, transposed: false)
        try plan.checkBuffers(x: x.count, w: w.count, bias: nil, y: y.count)
        if let z = wZeroPoint, z.count != 1 {
            try ShapeMath.checkCount(z.count, plan.m, kernel: "ConvInteger", buffer: "w_zero_point")
        }
        let inSize = plan.inSize, outSize = plan.outSize, cg = plan.cPerGroup, mg = plan.mPerGroup
        let rows = cg * plan.kernelSize
        let colCount = try ShapeMath.elementCount([rows, outSize], kernel: "ConvInteger")
        _ = try MemoryLimit.checkScratch(elements: colCount, elementSize: MemoryLayout<X>.stride, kernel: "ConvInteger", buffer: "col")
        var col = [X](repeating: xZeroPoint, count: colCount)
        let xz = [xZeroPoint]
        for n in 0..<plan.batch {
            for gi in 0..<group {
                let xg = UnsafeBufferPointer(rebasing: x[((n * plan.c + gi * cg) * inSize)..<((n * plan.c + (gi + 1) * cg) * inSize)])
                let wg = UnsafeBufferPointer(rebasing: w[(gi * mg * rows)..<((gi + 1) * mg * rows)])
                let wz = wZeroPoint.map { z in z.count == 1 ? Array(z) : Array(z[(gi * mg)..<((gi + 1) * mg)]) }
                let yBase = (n * plan.m + gi * mg) * outSize
                try col.withUnsafeMutableBufferPointer { colBuffer in
                    try Im2Col.im2col(xg, channels: cg, geometry: g, positions: 0..<outSize, padValue: xZeroPoint, into: colBuffer)
                    try xz.withUnsafeBufferPointer { pxz in
                        let wzArray = wz ?? []
                        try wzArray.withUnsafeBufferPointer { pwz in
                            try IntegerGemm.gemm(m: mg, n: outSize, k: rows, a: wg, aZeroPoint: wz == nil ? nil : pwz,
                                                 b: UnsafeBufferPointer(colBuffer), bZeroPoint: pxz,
                                                 into: UnsafeMutableBufferPointer(rebasing: y[yBase..<(yBase + mg * outSize)]))
                        }
                    }
                }
            }
        }
    }
}
