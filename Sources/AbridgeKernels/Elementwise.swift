/// Element-wise maps over contiguous buffers, split over threads with `ParallelFor` (each element is
/// independent, so results do not depend on the thread count).
///
/// The closures are `@inlinable` generics: simple bodies (ReLU, scaling, casts) are auto-vectorised by
/// the compiler; transcendental functions call libm per element for accuracy.
public enum Elementwise {
    /// Default minimum elements per thread for cheap bodies (thread wake-up costs more than the work below).
    public static let cheapGrain = 1 << 17
    /// Minimum elements per thread for transcendental bodies (exp, erf, tanh, ...).
    public static let costlyGrain = 1 << 13

    /// `y[i] = f(x[i])` for X and Y of the same element count (any shape); `grain` is the minimum number
    /// of elements per thread.
    /// - Throws: `KernelError.bufferSize` when counts differ.
    @inlinable @inline(__always)
    public static func map<T, R>(_ x: UnsafeBufferPointer<T>, into y: UnsafeMutableBufferPointer<R>,
                                 grain: Int = cheapGrain, _ f: (T) -> R) throws {
        try ShapeMath.checkCount(y.count, x.count, kernel: "Elementwise.map", buffer: "Y")
        guard let px = x.baseAddress, let py = y.baseAddress else { return }
        ParallelFor.run(x.count, minChunk: grain) { range in
            for i in range { py[i] = f(px[i]) }
        }
    }

    /// `y[i] = op(x[i])` for a float activation / math function (see `UnaryOp`). `x` and `y` may alias
    /// only if they are the same buffer.
    /// - Throws: `KernelError.bufferSize`.
    @inlinable
    public static func apply<T: KernelFloat>(_ op: UnaryOp, _ x: UnsafeBufferPointer<T>,
                                             into y: UnsafeMutableBufferPointer<T>) throws {
        switch op {
        // Branch-free bodies get their own loop so the compiler can vectorise them.
        case .relu: try map(x, into: y) { $0 < 0 ? 0 : $0 }
        case .abs: try map(x, into: y) { Swift.abs($0) }
        case .neg: try map(x, into: y) { -$0 }
        case .leakyRelu(let alpha): let a = T(alpha); try map(x, into: y) { $0 < 0 ? a * $0 : $0 }
        case .clip(let lo, let hi):
            let l = T(lo), h = T(hi)
            try map(x, into: y) { $0.isNaN ? $0 : Swift.min(Swift.max($0, l), h) }
        default: try map(x, into: y, grain: costlyGrain) { op($0) }
        }
    }

    /// In-place variant of `apply`.
    @inlinable
    public static func apply<T: KernelFloat>(_ op: UnaryOp, inPlace x: UnsafeMutableBufferPointer<T>) throws {
        try apply(op, UnsafeBufferPointer(x), into: x)
    }
}
