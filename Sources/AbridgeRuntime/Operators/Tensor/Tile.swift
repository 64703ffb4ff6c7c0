import AbridgeIR

/// `Tile` (onnx.ai/onnx/operators/onnx__Tile.html, since-versions 1, 6, 13): `input` repeated
/// `repeats[i]` times along each axis i. Implemented as a strided view `[r0, d0, r1, d1, ...]`
/// with stride 0 on the repeat axes. Any element type.
enum TileOp {
    static let sinceVersions = [1, 6, 13]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        ClosureKernel { inputs, _ in
            let x = try inputs.tensor(0, "input")
            let repeats = try NumericDispatch.ints(try inputs.tensor(1, "repeats"))
            guard repeats.count == x.rank, repeats.allSatisfy({ $0 >= 0 }) else {
                throw RuntimeError.invalidInput(node: "", reason: "Tile: repeats \(repeats) must be \(x.rank) non-negative values")
            }
            let st = StridedCopy.strides(x.shape)
            var viewShape: [Int] = [], viewStrides: [Int] = []
            for i in 0..<x.rank {
                viewShape += [repeats[i], x.shape[i]]
                viewStrides += [0, st[i]]
            }
            let tiled = try StridedCopy.materialize(x, offset: 0, strides: viewStrides, shape: viewShape)
            return [.tensor(tiled.reshaped((0..<x.rank).map { repeats[$0] * x.shape[$0] }))]
        }
    }
}
