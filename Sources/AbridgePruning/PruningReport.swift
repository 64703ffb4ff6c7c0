import AbridgeDistillation

/// What pruning did to one layer.
///
/// `sparsity` is the fraction of the layer's *original* weights that are gone (zeroed or removed
/// with their channel): `1 − nonZeroAfter / paramsBefore`. MACs are multiply-accumulates per
/// sample (FLOPs ≈ 2 × MACs): `dense` counts every stored weight (what a dense runtime executes),
/// `effective` only the non-zero ones (what a sparse kernel could execute).
public struct LayerPruningReport: Codable, Sendable {
    public var node: String
    public var op: String
    public var weight: String
    /// "pruned" or "skipped".
    public var status: String
    public var reason: String?
    public var shapeBefore: [Int]
    public var shapeAfter: [Int]
    public var paramsBefore: Int
    public var paramsAfter: Int
    public var nonZeroBefore: Int
    public var nonZeroAfter: Int
    public var sparsityBefore: Double
    public var sparsityAfter: Double
    /// "dense" or "sparse" (a sparse_initializer), and why.
    public var storage: String
    public var storageReason: String?
    /// Bytes of the weight's data as stored before and after.
    public var bytesBefore: Int
    public var bytesAfter: Int
    public var macsBefore: Int?
    public var macsAfter: Int?
    public var effectiveMacsAfter: Int?
    /// Output channels removed (channel pruning) and input channels removed (as a consumer).
    public var outputChannelsRemoved: Int?
    /// How the removed output channels were chosen (channel pruning): "reconstruction of NODE"
    /// or "l1 norm" (with the reason when reconstruction was not possible).
    public var selection: String?
}

/// The report of a pruning run.
public struct PruningReport: Codable, Sendable {
    public var pattern: String
    public var sparsity: Double
    public var scope: String
    public var norm: String?
    /// Channel selection: "reconstruction" (with calibration data) or "norm".
    public var selection: String?
    public var storage: String
    public var layers: [LayerPruningReport] = []
    /// Layer refits (`--calibration`), in the order they ran.
    public var refits: [RefitRecord] = []
    public var calibrationSamples: Int = 0
    /// Mixup blends added to the calibration samples (`PruningOptions.mixupBlends`), and why
    /// none were when blends were asked for but the data do not allow them.
    public var calibrationBlends: Int = 0
    public var blendsNotUsed: String?
    /// The distillation after the refits (`PruningOptions.distillSteps`), or why none ran.
    public var distillation: DistillationReport?
    public var distillationSkipped: String?
    /// Parameters of all initializers (dense elements; non-zeros of sparse ones).
    public var modelParamsBefore: Int = 0
    public var modelParamsAfter: Int = 0
    public var macsBefore: Int?
    public var macsAfter: Int?
    public var effectiveMacsAfter: Int?
    public var warnings: [String] = []
    /// What each form buys, in one paragraph for people.
    public var summary: String = ""
}
