/// How a reduction over an axis set maps onto a `[outer, reduced, inner]` walk.
///
/// When the reduced axes are contiguous the input is walked in place; otherwise the kept axes are moved in
/// front (`Transpose`) so that `inner == 1`. Output elements are row-major over the kept axes either way.
@usableFromInline
struct ReductionLayout {
    @usableFromInline let outer: Int
    @usableFromInline let reduced: Int
    @usableFromInline let inner: Int
    /// Permutation to apply first, or nil when the layout is already contiguous.
    @usableFromInline let permutation: [Int]?
    /// Output shape honouring `keepDims`.
    @usableFromInline let outputShape: [Int]

    /// - Parameters: `axes` empty means all axes (ONNX default when `noop_with_empty_axes` is 0).
    /// - Throws: `KernelError.invalidArgument` for bad or repeated axes.
    @usableFromInline
    init(shape: [Int], axes: [Int], keepDims: Bool, forceInnerOne: Bool = false, kernel: String) throws {
        let rank = shape.count
        let normalized = axes.isEmpty ? Array(0..<rank) : try ShapeMath.normalizeAxes(axes, rank: rank, kernel: kernel)
        _ = try ShapeMath.elementCount(shape, kernel: kernel) // rejects negative or overflowing shapes
        let reducedSet = Set(normalized)
        outputShape = keepDims ? shape.enumerated().map { reducedSet.contains($0.offset) ? 1 : $0.element }
                               : shape.enumerated().filter { !reducedSet.contains($0.offset) }.map(\.element)
        // Size-1 axes do not affect memory order, so they are ignored when deciding contiguity.
        let significant = normalized.filter { shape[$0] != 1 }
        let reducedCount = normalized.reduce(1) { $0 * shape[$1] }
        reduced = reducedCount
        guard let first = significant.first, let last = significant.last else {
            outer = ShapeMath.product(shape, 0..<rank); inner = 1; permutation = nil
            return
        }
        let contiguous = (first...last).allSatisfy { reducedSet.contains($0) || shape[$0] == 1 }
        let trailing = ShapeMath.product(shape, (last + 1)..<rank)
        if contiguous && !(forceInnerOne && trailing != 1) {
            outer = ShapeMath.product(shape, 0..<first)
            inner = trailing
            permutation = nil
        } else {
            let kept = (0..<rank).filter { !reducedSet.contains($0) }
            permutation = kept + normalized
            outer = kept.reduce(1) { $0 * shape[$1] }
            inner = 1
        }
    }
}
