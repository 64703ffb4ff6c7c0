/// Axis permutation (ONNX `Transpose`, opset 1/13/21) for any element size (byte-generic).
///
/// X `[d0, ..., dn-1]` -> Y `[d_perm[0], ..., d_perm[n-1]]`, so `Y[i0, ..., in-1] = X[j]` with
/// `j[perm[k]] = ik`. The permutation is first simplified (size-1 axes dropped, axes that stay adjacent
/// merged); identity becomes one copy, a kept last axis becomes block copies, anything else a 2-D tiled
/// copy over the last two output axes (the common `[M, N] -> [N, M]` case). Parallel over outer rows; a
/// pure data movement, so results never depend on the thread count.
public enum Transpose {
    /// Output shape for `perm` (empty `perm` = reversed axes, the ONNX default).
    /// - Throws: `KernelError.invalidArgument` when `perm` is not a permutation of `0..<rank`.
    public static func outputShape(_ shape: [Int], perm: [Int]) throws -> [Int] {
        let p = try resolve(perm, rank: shape.count)
        return p.map { shape[$0] }
    }

    /// Typed convenience for `run(_:shape:perm:elementSize:into:)` (T must be a trivial type).
    /// - Throws: as the raw variant.
    @inlinable
    public static func run<T>(_ x: UnsafeBufferPointer<T>, shape: [Int], perm: [Int],
                              into y: UnsafeMutableBufferPointer<T>) throws {
        try run(UnsafeRawBufferPointer(x), shape: shape, perm: perm, elementSize: MemoryLayout<T>.stride,
                into: UnsafeMutableRawBufferPointer(y))
    }

    /// Permutes `x` (raw bytes of elements of `elementSize` bytes) into `y`.
    /// - Throws: `KernelError.invalidArgument` for a bad permutation or element size, `.bufferSize` when
    ///   byte counts do not match the shape.
    public static func run(_ x: UnsafeRawBufferPointer, shape: [Int], perm: [Int], elementSize: Int,
                           into y: UnsafeMutableRawBufferPointer) throws {
        guard elementSize >= 1 else {
            throw KernelError.invalidArgument(kernel: "Transpose", message: "element size \(elementSize) must be >= 1")
        }
        let p = try resolve(perm, rank: shape.count)
        let count = try ShapeMath.elementCount(shape, kernel: "Transpose")
        let (bytes, overflow) = count.multipliedReportingOverflow(by: elementSize)
        guard !overflow else { throw KernelError.overflow(kernel: "Transpose", message: "\(count) x \(elementSize) bytes") }
        try ShapeMath.checkCount(x.count, bytes, kernel: "Transpose", buffer: "X bytes")
        try ShapeMath.checkCount(y.count, bytes, kernel: "Transpose", buffer: "Y bytes")
        guard bytes > 0, let src = x.baseAddress, let dst = y.baseAddress else { return }
        let (dims, order) = simplify(shape, p)
        if order == Array(0..<order.count) {
            dst.copyMemory(from: src, byteCount: bytes)
            return
        }
        let inStrides = ShapeMath.strides(dims)
        // Output axes in output order with their input strides (in elements).
        let outDims = order.map { dims[$0] }, strides = order.map { inStrides[$0] }
        if strides[strides.count - 1] == 1 {
            // The innermost axis is kept: copy contiguous blocks.
            let block = outDims[outDims.count - 1] * elementSize
            let rows = count / outDims[outDims.count - 1]
            ParallelFor.run(rows, minChunk: max(1, 65536 / block)) { range in
                for row in range {
                    let offset = offsetOf(row, Array(outDims.dropLast()), Array(strides.dropLast()))
                    (dst + row * block).copyMemory(from: src + offset * elementSize, byteCount: block)
                }
            }
            return
        }
        switch elementSize {
        case 1: tiled(src, dst, UInt8.self, outDims, strides)
        case 2: tiled(src, dst, UInt16.self, outDims, strides)
        case 4: tiled(src, dst, UInt32.self, outDims, strides)
        case 8: tiled(src, dst, UInt64.self, outDims, strides)
        default: tiledBytes(src, dst, elementSize, outDims, strides)
        }
    }

    /// Validates `perm` (empty = reverse).
    static func resolve(_ perm: [Int], rank: Int) throws -> [Int] {
        if perm.isEmpty { return Array((0..<rank).reversed()) }
        guard perm.count == rank, Set(perm) == Set(0..<rank) else {
            throw KernelError.invalidArgument(kernel: "Transpose", message: "perm \(perm) is not a permutation of 0..<\(rank)")
        }
        return perm
    }

    /// Drops size-1 axes and merges input axes that stay adjacent in the output.
    static func simplify(_ shape: [Int], _ perm: [Int]) -> (dims: [Int], order: [Int]) {
        let kept = perm.filter { shape[$0] != 1 }
        if kept.isEmpty { return ([1], [0]) }
        // Group runs of consecutive input axes in output order.
        var groups: [[Int]] = []
        for axis in kept {
            if let last = groups.last?.last, nextKept(after: last, shape) == axis {
                groups[groups.count - 1].append(axis)
            } else {
                groups.append([axis])
            }
        }
        // Order groups by their first input axis to get merged input dims.
        let byInput = groups.indices.sorted { groups[$0][0] < groups[$1][0] }
        var dims = [Int](repeating: 1, count: groups.count)
        var newIndex = [Int](repeating: 0, count: groups.count)
        for (position, g) in byInput.enumerated() {
            dims[position] = groups[g].reduce(1) { $0 * shape[$1] }
            newIndex[g] = position
        }
        return (dims, groups.indices.map { newIndex[$0] })
    }

    /// The next input axis after `axis` whose size is not 1.
    static func nextKept(after axis: Int, _ shape: [Int]) -> Int? {
        var a = axis + 1
        while a < shape.count && shape[a] == 1 { a += 1 }
        return a < shape.count ? a : nil
    }

    /// Input element offset of output row `row` over `dims` with input `strides`.
    static func offsetOf(_ row: Int, _ dims: [Int], _ strides: [Int]) -> Int {
        var r = row, offset = 0
        for i in stride(from: dims.count - 1, through: 0, by: -1) {
            offset += (r % dims[i]) * strides[i]
            r /= dims[i]
        }
        return offset
    }

    /// Tile edge for the 2-D blocked copy.
    static let tile = 32

    /// Copies with the last two output axes tiled (rank >= 2 after simplification, since the innermost
    /// output axis is not the innermost input axis).
    static func tiled<E>(_ src: UnsafeRawPointer, _ dst: UnsafeMutableRawPointer, _: E.Type,
                         _ outDims: [Int], _ strides: [Int]) {
        let r = outDims.count
        let rowsDim = outDims[r - 2], colsDim = outDims[r - 1]
        let rowStride = strides[r - 2], colStride = strides[r - 1]
        let planes = outDims.dropLast(2).reduce(1, *)
        let s = src.assumingMemoryBound(to: E.self), d = dst.assumingMemoryBound(to: E.self)
        let outerDims = Array(outDims.dropLast(2)), outerStrides = Array(strides.dropLast(2))
        let rowTiles = (rowsDim + tile - 1) / tile
        ParallelFor.run(planes * rowTiles, minChunk: max(1, 4096 / (tile * colsDim))) { range in
            for job in range {
                let plane = job / rowTiles, rt = job % rowTiles
                let base = offsetOf(plane, outerDims, outerStrides)
                let outBase = plane * rowsDim * colsDim
                let r0 = rt * tile, r1 = min(rowsDim, r0 + tile)
                var c0 = 0
                while c0 < colsDim {
                    let c1 = min(colsDim, c0 + tile)
                    for i in r0..<r1 {
                        let srcRow = s + base + i * rowStride, dstRow = d + outBase + i * colsDim
                        for j in c0..<c1 { dstRow[j] = srcRow[j * colStride] }
                    }
                    c0 = c1
                }
            }
        }
    }

    /// Element-by-element byte copy for unusual element sizes.
    static func tiledBytes(_ src: UnsafeRawPointer, _ dst: UnsafeMutableRawPointer, _ size: Int,
                           _ outDims: [Int], _ strides: [Int]) {
        let inner = outDims[outDims.count - 1], innerStride = strides[strides.count - 1]
        let rows = outDims.dropLast().reduce(1, *)
        let outerDims = Array(outDims.dropLast()), outerStrides = Array(strides.dropLast())
        ParallelFor.run(rows, minChunk: max(1, 4096 / inner)) { range in
            for row in range {
                let base = offsetOf(row, outerDims, outerStrides)
                for j in 0..<inner {
                    (dst + (row * inner + j) * size).copyMemory(from: src + (base + j * innerStride) * size, byteCount: size)
                }
            }
        }
    }
}
