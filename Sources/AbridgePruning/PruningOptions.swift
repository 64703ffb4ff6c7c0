import Foundation

/// What to remove.
public enum PruningPattern: Equatable, Sendable, CustomStringConvertible {
    /// Individual weights with the smallest magnitude (unstructured).
    case unstructured
    /// In every group of `m` consecutive weights along the reduction axis keep the `n` largest
    /// (semi-structured N:M sparsity; 2:4 is what sparse tensor cores accelerate).
    case nOfM(n: Int, m: Int)
    /// Whole output channels (Conv filters, Gemm/MatMul output columns), removed from the graph.
    case channels

    /// Parses `unstructured`, `channels` or `N:M`.
    /// - Throws: `PruningError.invalidOption` for anything else or `N >= M`, `N < 1`.
    public init(parsing text: String) throws {
        switch text.lowercased() {
        case "unstructured": self = .unstructured
        case "channels", "channel": self = .channels
        default:
            let parts = text.split(separator: ":")
            guard parts.count == 2, let n = Int(parts[0]), let m = Int(parts[1]) else {
                throw PruningError.invalidOption("--pattern must be unstructured, channels or N:M (such as 2:4), not '\(text)'")
            }
            guard n >= 1, m >= 2, n < m, m <= 1024 else {
                throw PruningError.invalidOption("--pattern \(text): N:M needs 1 <= N < M <= 1024")
            }
            self = .nOfM(n: n, m: m)
        }
    }

    public var description: String {
        switch self {
        case .unstructured: return "unstructured"
        case .nOfM(let n, let m): return "\(n):\(m)"
        case .channels: return "channels"
        }
    }
}

/// Which weights share one magnitude threshold in unstructured pruning: each layer (`layer`,
/// the default), all prunable weights (`global`), or each output channel of each layer
/// (`output`: every output keeps the same share of its inputs; much better on transformers).
public enum PruningScope: String, Sendable, CaseIterable { case layer, global, output }

/// The norm ranking output channels.
public enum ChannelNorm: String, Sendable, CaseIterable { case l1, l2 }

/// How channel pruning chooses the output channels to remove.
public enum ChannelSelection: String, Sendable, CaseIterable {
    /// `reconstruction` when calibration data are given, `norm` otherwise (the default).
    case auto
    /// The smallest weight rows by `ChannelNorm` (data-free).
    case norm
    /// The channels whose removal the consuming layer's least-squares refit absorbs best
    /// (`ReconstructionSelection`); needs calibration data.
    case reconstruction
}

/// How a pruned weight is stored.
public enum SparseStorage: String, Sendable, CaseIterable {
    /// Sparse initializer only when it is smaller than the dense tensor (the default).
    case auto
    /// Always a sparse initializer (COO, linearized INT64 indices).
    case sparse
    /// Always a dense initializer (zeros stored).
    case dense
}

/// Every setting of a pruning run.
public struct PruningOptions: Sendable {
    public var pattern: PruningPattern = .unstructured
    /// Fraction of weights (unstructured) or output channels (channels) to remove, in [0, 1).
    /// Ignored by N:M, whose sparsity is `1 - N/M`.
    public var sparsity: Double = 0.5
    public var scope: PruningScope = .layer
    public var norm: ChannelNorm = .l1
    public var selection: ChannelSelection = .auto
    /// Channel pruning keeps a multiple of this many output channels per layer (rounded up), so
    /// that blocked layouts (onnxruntime's NCHWc uses blocks of 8 or 16 channels; tensor cores
    /// want multiples of 8) do not pad the pruned layers back to the original work. 1: exact.
    public var channelMultiple: Int = 1
    public var storage: SparseStorage = .auto
    /// Node names or regular expressions (whole-name match) of layers left dense.
    public var excludeNodes: [String] = []
    /// Leave the first and the last prunable layer (in topological order) untouched.
    public var keepFirstLast = false
    /// Ridge strength relative to the mean diagonal of `XᵀX`: `λ = ridge · trace(XᵀX) / D`.
    public var ridge: Double = 1e-3
    /// Samples per batch when running calibration data (when the data and model allow it).
    public var batchSize: Int = 16
    /// Use at most this many calibration samples.
    public var calibrationLimit: Int?
    /// Mixup blends added per calibration sample for recovery (`Mixup`: `(1 − λ)·x_i + λ·x_j`,
    /// `λ ~ U(0, 0.5)`, the original model supplying the targets): the refits and the channel
    /// selection then match the original's function between samples too ("function matching",
    /// Beyer et al. 2022), which small calibration sets need. 0: the samples only. Used only
    /// when every input is floating-point and the samples are stacked arrays.
    public var mixupBlends: Int = 3
    /// Distillation steps after the least-squares refits (`Distiller`: Adam on the squared error
    /// between the pruned and the original model's outputs, on the calibration samples and fresh
    /// `mixupBlends` blends of them at every step). nil (the default): 600 steps when the model is
    /// small enough for them to fit `Pruner.distillationBudget`, else none (said in the report);
    /// 0: none.
    public var distillSteps: Int?

    public init() {}

    /// Checks ranges.
    /// - Throws: `PruningError.invalidOption`.
    public func validate() throws {
        if case .nOfM = pattern {} else if !(0 <= sparsity && sparsity < 1) {
            throw PruningError.invalidOption("--sparsity must be in [0, 1), not \(sparsity)")
        }
        guard ridge >= 0, ridge.isFinite else { throw PruningError.invalidOption("--ridge must be >= 0") }
        guard channelMultiple >= 1, channelMultiple <= 4096 else { throw PruningError.invalidOption("--round-channels must be in 1...4096") }
        guard (0...64).contains(mixupBlends) else { throw PruningError.invalidOption("--mixup must be in 0...64, not \(mixupBlends)") }
        if let d = distillSteps, !(0...1_000_000).contains(d) { throw PruningError.invalidOption("--distill-steps must be in 0...1000000, not \(d)") }
        guard batchSize >= 1 else { throw PruningError.invalidOption("batch size must be at least 1") }
        for p in excludeNodes {
            do { _ = try NSRegularExpression(pattern: "^(?:\(p))$") } catch {
                throw PruningError.invalidOption("--exclude-nodes: '\(p)' is not a valid regular expression")
            }
        }
    }
}
