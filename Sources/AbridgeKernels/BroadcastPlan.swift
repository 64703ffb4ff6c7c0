/// A broadcast iteration plan: the output shape with adjacent compatible axes merged and size-1 axes
/// dropped, and each input's element strides along those axes (0 where the input is broadcast).
///
/// The innermost axis is `dims.last`; outer axes are walked with an odometer. Used by `Broadcast`.
@usableFromInline
struct BroadcastPlan {
    /// Collapsed output dimensions (at least one entry, possibly `[1]`).
    @usableFromInline var dims: [Int]
    /// `strides[input][axis]` in elements.
    @usableFromInline var strides: [[Int]]

    /// Builds the plan for inputs of `shapes` broadcast to `outShape` (already validated).
    @usableFromInline
    init(outShape: [Int], shapes: [[Int]]) {
        let rank = outShape.count
        var aligned: [[Int]] = shapes.map { Broadcast.alignedStrides($0, to: rank) }
        var dims = outShape
        // Drop size-1 axes (they contribute nothing).
        let keep = (0..<rank).filter { dims[$0] != 1 }
        dims = keep.map { outShape[$0] }
        aligned = aligned.map { s in keep.map { s[$0] } }
        // Merge axis i into i+1 when every input walks them as one contiguous run.
        var mergedDims: [Int] = []
        var mergedStrides: [[Int]] = Array(repeating: [], count: shapes.count)
        for axis in 0..<dims.count {
            if !mergedDims.isEmpty,
               (0..<shapes.count).allSatisfy({ aligned[$0][axis] * dims[axis] == mergedStrides[$0].last }) {
                mergedDims[mergedDims.count - 1] *= dims[axis]
                for i in 0..<shapes.count { mergedStrides[i][mergedStrides[i].count - 1] = aligned[i][axis] }
            } else {
                mergedDims.append(dims[axis])
                for i in 0..<shapes.count { mergedStrides[i].append(aligned[i][axis]) }
            }
        }
        if mergedDims.isEmpty {
            mergedDims = [1]
            mergedStrides = Array(repeating: [0], count: shapes.count)
        }
        self.dims = mergedDims
        self.strides = mergedStrides
    }

    /// Length of the innermost axis.
    @usableFromInline var inner: Int { dims[dims.count - 1] }
    /// Number of innermost rows (product of the outer axes).
    @usableFromInline var rows: Int { dims.dropLast().reduce(1, *) }

    /// Offsets of row `row` (linear index over the outer axes) into each input.
    @usableFromInline
    func rowOffsets(_ row: Int) -> [Int] {
        var offsets = [Int](repeating: 0, count: strides.count)
        var r = row
        var axis = dims.count - 2
        while axis >= 0 {
            let coordinate = r % dims[axis]
            r /= dims[axis]
            for i in 0..<strides.count { offsets[i] += coordinate * strides[i][axis] }
            axis -= 1
        }
        return offsets
    }
}
