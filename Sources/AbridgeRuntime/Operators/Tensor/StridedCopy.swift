import AbridgeIR
import AbridgeKernels
#if canImport(Glibc)
import Glibc
#endif

/// Element copies for the data-movement operators, for every element type (STRING included):
/// a strided view of a tensor materialized, and row-block copies.
enum StridedCopy {
    /// A new tensor of `shape` whose element at coordinates `c` is `x`'s element at linear index
    /// `offset + sum(c[i] * strides[i])` (strides in elements, possibly 0 or negative). Used by
    /// Slice, Expand, Tile, ReverseSequence-like views.
    /// - Throws: `RuntimeError.invalidShape` for bad shapes.
    static func materialize(_ x: RuntimeTensor, offset: Int, strides: [Int], shape: [Int]) throws -> RuntimeTensor {
        let n = try count(shape)
        if x.dataType == .string {
            let src = x.strings ?? []
            var out = [String](); out.reserveCapacity(n)
            try forEachOffset(offset: offset, strides: strides, shape: shape) { o in
                guard o >= 0 && o < src.count else { throw RuntimeError.invalidShape("strided view reads outside its tensor") }
                out.append(src[o])
            }
            return RuntimeTensor(strings: out, shape: shape)
        }
        let out = try RuntimeTensor.allocate(x.dataType, shape)
        guard n > 0, let size = RuntimeTensor.elementSize(x.dataType) else { return out }
        // Simplify: drop size-1 axes, merge axes that walk contiguously.
        var dims: [Int] = [], st: [Int] = []
        for (d, s) in zip(shape, strides) where d != 1 {
            if let last = dims.last, let ls = st.last, ls == s * d {
                dims[dims.count - 1] = last * d; st[st.count - 1] = s
            } else { dims.append(d); st.append(s) }
        }
        let inner = dims.last ?? 1, innerStride = st.last ?? 0
        let outerDims = Array(dims.dropLast()), outerStrides = Array(st.dropLast())
        let rows = n / inner
        let total = x.count
        // Bounds: the extreme offsets must lie in the tensor.
        var lo = offset, hi = offset
        for (d, s) in zip(dims, st) { if s > 0 { hi += (d - 1) * s } else { lo += (d - 1) * s } }
        guard lo >= 0 && hi < total else { throw RuntimeError.invalidShape("strided view reads outside its tensor") }
        let src = UnsafeRawPointer(x.storage.base), dst = out.storage.base
        ParallelFor.run(rows, minChunk: max(1, 32768 / max(1, inner))) { range in
            for row in range {
                var r = row, o = offset
                var axis = outerDims.count - 1
                while axis >= 0 { o += (r % outerDims[axis]) * outerStrides[axis]; r /= outerDims[axis]; axis -= 1 }
                let d = dst + row * inner * size
                if innerStride == 1 {
                    d.copyMemory(from: src + o * size, byteCount: inner * size)
                } else {
                    copyStrided(src + o * size, stride: innerStride, count: inner, size: size, to: d)
                }
            }
        }
        return out
    }

    /// Copies `count` elements of `size` bytes read every `stride` elements to contiguous `dst`.
    @inline(__always)
    static func copyStrided(_ src: UnsafeRawPointer, stride: Int, count: Int, size: Int, to dst: UnsafeMutableRawPointer) {
        switch size {
        case 1: typed(src, stride, count, dst, UInt8.self)
        case 2: typed(src, stride, count, dst, UInt16.self)
        case 4: typed(src, stride, count, dst, UInt32.self)
        case 8: typed(src, stride, count, dst, UInt64.self)
        default:
            for i in 0..<count { (dst + i * size).copyMemory(from: src + i * stride * size, byteCount: size) }
        }
    }

    @inline(__always)
    static func typed<T>(_ src: UnsafeRawPointer, _ stride: Int, _ count: Int, _ dst: UnsafeMutableRawPointer, _: T.Type) {
        let s = src.assumingMemoryBound(to: T.self), d = dst.assumingMemoryBound(to: T.self)
        for i in 0..<count { d[i] = s[i * stride] }
    }

    /// Calls `body` with the source offset of every output element in row-major order.
    static func forEachOffset(offset: Int, strides: [Int], shape: [Int], _ body: (Int) throws -> Void) throws {
        let n = try count(shape)
        guard n > 0 else { return }
        var coords = [Int](repeating: 0, count: shape.count)
        var o = offset
        for _ in 0..<n {
            try body(o)
            var axis = shape.count - 1
            while axis >= 0 {
                coords[axis] += 1
                o += strides[axis]
                if coords[axis] < shape[axis] { break }
                o -= strides[axis] * shape[axis]
                coords[axis] = 0
                axis -= 1
            }
        }
    }

    /// Element count of `shape`. - Throws: `RuntimeError.invalidShape` on negative or overflow.
    static func count(_ shape: [Int]) throws -> Int {
        var n = 1
        for d in shape {
            guard d >= 0 else { throw RuntimeError.invalidShape("negative dimension in \(shape)") }
            let (p, o) = n.multipliedReportingOverflow(by: d)
            guard !o else { throw RuntimeError.invalidShape("\(shape) has too many elements") }
            n = p
        }
        return n
    }

    /// Row-major strides of `shape`, in elements.
    static func strides(_ shape: [Int]) -> [Int] { ShapeMath.strides(shape) }

    /// Gathers blocks: output block `i` (of `blockElements` elements) is source block
    /// `sourceBlocks[i]` of `x`. Used by Gather, Concat-like and index-driven operators.
    static func gatherBlocks(_ x: RuntimeTensor, blockElements: Int, sourceBlocks: [Int], into out: RuntimeTensor) throws {
        if x.dataType == .string { throw RuntimeError.typeMismatch("gatherBlocks does not handle STRING") }
        guard let size = RuntimeTensor.elementSize(x.dataType) else { return }
        let bytes = blockElements * size
        let src = UnsafeRawPointer(x.storage.base), dst = out.storage.base
        let available = x.count / Swift.max(1, blockElements)
        for b in sourceBlocks where b < 0 || b >= available && blockElements > 0 {
            throw RuntimeError.invalidInput(node: "", reason: "index \(b) is out of range (\(available) blocks)")
        }
        ParallelFor.run(sourceBlocks.count, minChunk: max(1, 65536 / max(1, bytes))) { range in
            for i in range { (dst + i * bytes).copyMemory(from: src + sourceBlocks[i] * bytes, byteCount: bytes) }
        }
    }
}
