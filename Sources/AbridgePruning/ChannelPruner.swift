import AbridgeIR
import AbridgeRuntime

/// Structured channel pruning: removes whole output channels of one Conv (group 1),
/// ConvTranspose (group 1), Gemm or MatMul (2-D weight) and the matching input channels
/// everywhere downstream, so the dense graph really shrinks.
///
/// Output channels are ranked by the L1 or L2 norm of their weights (`W[o, :, ...]` of a Conv
/// `[M, C, kH, kW]`, `W[:, o, ...]` of a ConvTranspose `[C, M, kH, kW]`, the output column of a
/// Gemm/MatMul weight) and the `round(sparsity · O)` smallest are removed (at least one channel
/// stays). A ConvTranspose's `output_padding` and spatial `output_shape` do not depend on the
/// channel count; a full `output_shape` `[N, M, ...]` has its `M` rewritten. Downstream, the
/// tracer walks the tensors that carry these channels:
/// - the layer's bias `[M]`;
/// - BatchNormalization: scale, bias, mean and variance `[C]` are sliced;
/// - shape-preserving ops (Relu, Gelu, Sigmoid, Clip, Dropout, MaxPool, AveragePool, global
///   pooling, ...) pass the channels through;
/// - Add/Sub/Mul/Div/PRelu with a constant: a per-channel constant is sliced, a broadcast one kept;
/// - Flatten after a Conv: the following Gemm/MatMul's inputs are channel-major blocks of `H·W`
///   (`K = C · H·W`), so whole blocks are removed;
/// - the next Conv (weight axis 1), ConvTranspose (axis 0), Gemm (K axis, honouring transB) or
///   MatMul (axis 0) ends the walk.
///
/// All checks run before any edit; a group that reaches anything else is skipped with the reason,
/// and nothing changes: a residual Add or a Concat (the other operand is not a constant: pruning
/// every branch consistently is not implemented), a graph output, a grouped Conv or
/// ConvTranspose (as the layer or the next one), a MatMul weight that is not 2-D, a shared weight,
/// a subgraph reading the tensor, a ConvTranspose `output_shape` naming another channel count.
struct ChannelPruner {
    let sparsity: Double
    let norm: ChannelNorm
    /// Kept channel counts are rounded up to a multiple of this (1: exactly the sparsity asked).
    var multiple: Int = 1
    /// Initializers a feed may override (`Model.overridableInitializers`): never sliced.
    var overridable: Set<ObjectIdentifier> = []
    static let overridableReason = "is also a graph input (a feed may override it)"

    /// What pruning one layer did.
    struct Outcome {
        /// Output channels kept, as indices into the layer's outputs before this step (ascending).
        var kept: [Int]
        /// Output channels before.
        var before: Int
        /// Compute nodes whose weight lost input channels.
        var consumers: [Node]
        /// For each consumer, how many consecutive columns of its weight matrix `[O, R]` (see
        /// `PrunableLayer.matrix`) one channel feeds: `K = prod(k)` for a Conv or ConvTranspose,
        /// the flattened block `H·W` (or 1) for a Gemm/MatMul.
        var blocks: [Int?]
    }

    /// A tensor carrying the channels: channel axis counted from the end (`-1` last), rank when
    /// known, and whether it is a flattened `[N, C·H·W]` view (channel-major blocks).
    private struct Carried {
        let value: Value
        let fromEnd: Int
        let rank: Int?
        let flattened: Bool
        var axis: Int? { rank.map { $0 + fromEnd } }
    }

    private enum Edit {
        /// Keep `keep` along `axis` of an initializer (expanded by `block` for flattened inputs).
        case slice(Value, axis: Int, keep: [Int])
        /// Set dimension `rank + fromEnd` of a value's declared shape (scaled for flattened).
        case shape(Value, fromEnd: Int, flattened: Bool)
        /// Replace an INTS attribute of a node.
        case attribute(Node, name: String, ints: [Int64])
    }

    static let passThrough: Set<String> = [
        "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Gelu", "Elu", "Selu", "Celu", "Softplus", "Softsign", "HardSigmoid",
        "HardSwish", "Mish", "Swish", "Erf", "Abs", "Neg", "Exp", "Sqrt", "Identity", "Dropout", "Clip", "ThresholdedRelu",
        "Cast", "Floor", "Ceil", "Round", "Sign", "Reciprocal",
    ]
    static let pooling: Set<String> = ["MaxPool", "AveragePool", "LpPool", "GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool"]
    static let binary: Set<String> = ["Add", "Sub", "Mul", "Div", "PRelu"]

    /// Prunes `layer`'s output channels.
    /// - Parameters:
    ///   - keep: the output channels to keep (ascending); nil ranks them by `norm`.
    ///   - dryRun: trace and check only; nothing changes (the outcome says what would).
    /// - Returns: the outcome, or a reason the layer was skipped (the graph is then unchanged).
    /// - Throws: `PruningError`/`IRError` when a tensor's data are malformed.
    func prune(_ layer: PrunableLayer, in graph: Graph, keep: [Int]? = nil, dryRun: Bool = false) throws -> Result<Outcome, SkipReason> {
        if let reason = Self.unsupported(layer) { return .failure(reason) }
        guard let outAxis = layer.outputAxis, outAxis < layer.dims.count else {
            return .failure(SkipReason("\(layer.kind.rawValue) weight of shape \(layer.dims) has no output-channel axis"))
        }
        let w = try PrunableLayer.floats(of: layer.weight)
        guard w.count == layer.dims.reduce(1, *) else {
            throw PruningError.unsupportedTensor(name: layer.weight.name, reason: "\(w.count) elements for dims \(layer.dims)")
        }
        let o = layer.dims[outAxis]
        let norms = Self.outputChannelNorms(w, dims: layer.dims, axis: outAxis, norm: norm)
        var k = Swift.min(Int((sparsity * Double(o)).rounded()), o - 1)
        if multiple > 1, k > 0 {
            let keepCount = Swift.min(o, (o - k + multiple - 1) / multiple * multiple)
            k = o - keepCount
            guard k > 0 else {
                return .failure(SkipReason("\(o) output channels: keeping a multiple of \(multiple) (--round-channels) leaves none to remove at sparsity \(sparsity)"))
            }
        }
        guard k > 0 else { return .failure(SkipReason("\(o) output channels: none to remove at sparsity \(sparsity)")) }
        let kept: [Int]
        if let keep {
            guard keep.count == o - k, keep == keep.sorted(), Set(keep).count == keep.count, keep.allSatisfy({ (0..<o).contains($0) }) else {
                throw PruningError.invalidOption("internal: \(keep.count) kept channels given for \(o) outputs at sparsity \(sparsity)")
            }
            kept = keep
        } else {
            let order = (0..<o).sorted { (norms[$0], $0) < (norms[$1], $1) }
            let removed = Set(order.prefix(k))
            kept = (0..<o).filter { !removed.contains($0) }
        }

        var edits: [Edit] = [.slice(layer.weight, axis: outAxis, keep: kept)]
        // A ConvTranspose's output_shape lists the spatial output dims, or (accepted by runtimes)
        // all of them, `[N, M, ...]`: then its channel entry shrinks with the weight.
        if layer.kind == .convTranspose, let a = layer.node.attribute("output_shape") {
            guard let shape = a.ints else { return .failure(SkipReason("output_shape of \(layer.node.label) is not a list of integers")) }
            let spatial = layer.dims.count - 2
            if shape.count == spatial + 2 {
                guard shape[1] == Int64(o) else {
                    return .failure(SkipReason("output_shape \(shape) of \(layer.node.label) names \(shape[1]) channels, not the weight's \(o)"))
                }
                var resized = shape
                resized[1] = Int64(o - k)
                edits.append(.attribute(layer.node, name: "output_shape", ints: resized))
            } else if shape.count != spatial {
                return .failure(SkipReason("output_shape \(shape) of \(layer.node.label) has \(shape.count) entries (expected \(spatial) spatial ones or \(spatial + 2))"))
            }
        }
        // The layer's own bias.
        if layer.kind != .matMul, layer.node.inputs.count >= 3, let b = layer.node.inputs[2] {
            guard let t = b.initializer else { return .failure(SkipReason("bias '\(b.name)' is not an initializer")) }
            guard !overridable.contains(ObjectIdentifier(b)) else { return .failure(SkipReason("bias '\(b.name)' \(Self.overridableReason)")) }
            guard b.uses.count == 1 else { return .failure(SkipReason("bias '\(b.name)' is shared")) }
            let dims = t.dims.map { Int($0) }
            if dims.last == o && dims.dropLast().allSatisfy({ $0 == 1 }) {
                edits.append(.slice(b, axis: dims.count - 1, keep: kept))
            } else if !dims.allSatisfy({ $0 == 1 }) {
                return .failure(SkipReason("bias '\(b.name)' of shape \(dims) is not per output channel"))
            }
        }
        let y = layer.node.outputs[0]
        let convolution = layer.kind == .conv || layer.kind == .convTranspose
        let rank: Int? = convolution ? layer.dims.count : layer.kind == .gemm ? 2 : y.type?.tensorShape?.rank
        var work = [Carried(value: y, fromEnd: convolution ? 1 - layer.dims.count : -1, rank: rank, flattened: false)]
        var consumers: [Node] = []
        var blocks: [Int?] = []
        var seen = Set<ObjectIdentifier>()
        while let c = work.popLast() {
            guard seen.insert(ObjectIdentifier(c.value)).inserted else { continue }
            edits.append(.shape(c.value, fromEnd: c.fromEnd, flattened: c.flattened))
            if graph.outputs.contains(where: { $0 === c.value }) {
                return .failure(SkipReason("its channels reach the graph output '\(c.value.name)'"))
            }
            for use in c.value.uses {
                guard let u = use.node else { continue }
                guard u.graph === graph else { return .failure(SkipReason("'\(c.value.name)' is read inside a subgraph (\(u.label))")) }
                var block: Int? = nil
                switch try follow(c, into: u, at: use.inputIndex, channels: o, kept: kept, edits: &edits, block: &block) {
                case .failure(let r): return .failure(r)
                case .success(let next):
                    if let next { work.append(contentsOf: next) } else { consumers.append(u); blocks.append(block) }
                }
            }
        }
        if !dryRun { try apply(edits, channels: o, kept: kept) }
        return .success(Outcome(kept: kept, before: o, consumers: consumers, blocks: blocks))
    }

    /// Why `layer`'s output channels cannot be removed at all, or nil: grouped Conv and
    /// ConvTranspose (removing channels would unbalance the groups) and MatMul with a weight that
    /// is not 2-D.
    static func unsupported(_ layer: PrunableLayer) -> SkipReason? {
        switch layer.kind {
        case .conv, .convTranspose:
            return layer.group == 1 ? nil : SkipReason("grouped \(layer.kind.rawValue) (group \(layer.group)) is not channel-pruned")
        case .gemm:
            return layer.dims.count == 2 ? nil : SkipReason("Gemm weight of rank \(layer.dims.count) is not channel-pruned")
        case .matMul:
            return layer.dims.count == 2 ? nil : SkipReason("MatMul weight of rank \(layer.dims.count) is not channel-pruned")
        }
    }

    /// The L1 norm (sum of |w|) or the squared L2 norm of each output channel of a row-major
    /// weight: the elements whose index along `axis` is that channel (`W[o, ...]` of a Conv,
    /// `W[:, o, ...]` of a ConvTranspose, a column of a `[K, N]` Gemm weight). Squared L2 ranks
    /// like L2. Summed in Double, in storage order.
    static func outputChannelNorms(_ w: [Float], dims: [Int], axis: Int, norm: ChannelNorm) -> [Double] {
        guard axis >= 0, axis < dims.count else { return [] }
        let len = dims[axis], inner = dims[(axis + 1)...].reduce(1, *)
        var norms = [Double](repeating: 0, count: len)
        guard len > 0, inner > 0 else { return norms }
        for (i, v) in w.enumerated() {
            let x = Double(v)
            norms[(i / inner) % len] += norm == .l1 ? abs(x) : x * x
        }
        return norms
    }

    /// Follows the channels of `c` into node `u` (input `index`).
    /// - Returns: the carried outputs, nil when `u` is a compute node that absorbs the channels, or
    ///   the reason the group must be skipped.
    private func follow(_ c: Carried, into u: Node, at index: Int, channels: Int, kept: [Int],
                        edits: inout [Edit], block consumerBlock: inout Int?) throws -> Result<[Carried]?, SkipReason> {
        let op = u.normalizedDomain.isEmpty ? u.opType : "\(u.normalizedDomain).\(u.opType)"
        func same(_ v: Value) -> Carried { Carried(value: v, fromEnd: c.fromEnd, rank: c.rank, flattened: c.flattened) }
        func axisOne() -> Bool { !c.flattened && c.rank != nil && c.axis == 1 }
        func constant(_ v: Value?, what: String) -> Result<(Value, [Int]), SkipReason> {
            guard let v, let t = v.initializer else { return .failure(SkipReason("\(what) of \(u.label) is not an initializer")) }
            guard !overridable.contains(ObjectIdentifier(v)) else { return .failure(SkipReason("\(what) '\(v.name)' of \(u.label) \(Self.overridableReason)")) }
            guard v.uses.count == 1 else { return .failure(SkipReason("\(what) '\(v.name)' of \(u.label) is shared with other nodes")) }
            guard t.elementType == .float || t.elementType == .float16 else { return .failure(SkipReason("\(what) '\(v.name)' is not FLOAT or FLOAT16")) }
            return .success((v, t.dims.map { Int($0) }))
        }
        switch op {
        case "BatchNormalization":
            guard index == 0, axisOne() else { return .failure(SkipReason("\(u.label) normalizes an axis other than the channels")) }
            if u.outputs.dropFirst().contains(where: { !$0.uses.isEmpty }) { return .failure(SkipReason("\(u.label) has training outputs in use")) }
            for i in 1...4 {
                switch constant(u.inputs.count > i ? u.inputs[i] : nil, what: "parameter \(i)") {
                case .failure(let r): return .failure(r)
                case .success(let (v, dims)):
                    guard dims == [channels] else { return .failure(SkipReason("\(u.label) parameter '\(v.name)' has shape \(dims), expected [\(channels)]")) }
                    edits.append(.slice(v, axis: 0, keep: kept))
                }
            }
            return .success([same(u.outputs[0])])
        case _ where Self.passThrough.contains(op):
            guard index == 0 else { return .failure(SkipReason("channels enter \(u.label) at input \(index)")) }
            return .success([same(u.outputs[0])])
        case _ where Self.pooling.contains(op):
            guard index == 0, axisOne() else { return .failure(SkipReason("\(u.label) pools a tensor whose channel axis is not 1")) }
            if u.outputs.dropFirst().contains(where: { !$0.uses.isEmpty }) { return .failure(SkipReason("\(u.label) Indices output is used")) }
            return .success([same(u.outputs[0])])
        case "Flatten":
            let axis = u.attribute("axis")?.int ?? 1
            guard index == 0, axisOne(), axis == 1 else { return .failure(SkipReason("\(u.label) flattens with axis \(axis) (only axis 1 after the channel axis is followed)")) }
            return .success([Carried(value: u.outputs[0], fromEnd: -1, rank: 2, flattened: (c.rank ?? 2) > 2)])
        case _ where Self.binary.contains(op):
            if op == "PRelu" && index != 0 { return .failure(SkipReason("channels enter \(u.label) as its slope")) }
            guard u.inputs.count == 2, let other = u.inputs[1 - index] else { return .failure(SkipReason("\(u.label) has an unexpected input count")) }
            // A Constant node's value that broadcasts over the channels (a scalar such as GELU's
            // 1/sqrt(2)) passes them through unchanged.
            if other.initializer == nil, let k = other.producer, k.opType == "Constant", k.normalizedDomain.isEmpty {
                let dims: [Int]? = {
                    if case .tensor(let t)? = k.attribute("value")?.value { return t.dims.map { Int($0) } }
                    if k.attribute("value_float") != nil || k.attribute("value_int") != nil { return [] }
                    return nil
                }()
                if let dims {
                    let aligned = dims.count + c.fromEnd
                    guard aligned < 0 || dims[aligned] == 1 else {
                        return .failure(SkipReason("Constant '\(other.name)' of \(u.label) has shape \(dims): per-channel Constant nodes are not sliced"))
                    }
                    let outRank = c.rank.map { Swift.max($0, dims.count) }
                    return .success([Carried(value: u.outputs[0], fromEnd: c.fromEnd, rank: outRank, flattened: c.flattened)])
                }
            }
            guard other.initializer != nil else {
                return .failure(SkipReason("channels meet '\(other.name)' at \(u.label) (a residual connection or a non-constant operand); pruning every branch consistently is not supported"))
            }
            if other === c.value { return .failure(SkipReason("\(u.label) reads the tensor twice")) }
            switch constant(other, what: "operand") {
            case .failure(let r): return .failure(r)
            case .success(let (v, dims)):
                let aligned = dims.count + c.fromEnd
                if aligned >= 0 && dims[aligned] != 1 {
                    guard !c.flattened, dims[aligned] == channels else {
                        return .failure(SkipReason("operand '\(v.name)' of \(u.label) has shape \(dims), not per channel (\(channels)) nor broadcast"))
                    }
                    edits.append(.slice(v, axis: aligned, keep: kept))
                }
                let outRank = c.rank.map { Swift.max($0, dims.count) }
                return .success([Carried(value: u.outputs[0], fromEnd: c.fromEnd, rank: outRank, flattened: c.flattened)])
            }
        case "Conv", "ConvTranspose":
            guard index == 0, axisOne() else { return .failure(SkipReason("channels enter \(u.label) at input \(index) or not on axis 1")) }
            let group = u.attribute("group")?.int ?? 1
            guard group == 1 else { return .failure(SkipReason("the next layer \(u.label) is a grouped \(op) (group \(group))")) }
            switch constant(u.inputs.count > 1 ? u.inputs[1] : nil, what: "weight") {
            case .failure(let r): return .failure(r)
            case .success(let (v, dims)):
                let axis = op == "Conv" ? 1 : 0
                guard dims.count > axis, dims[axis] == channels else { return .failure(SkipReason("weight '\(v.name)' of \(u.label) has shape \(dims); expected \(channels) input channels")) }
                edits.append(.slice(v, axis: axis, keep: kept))
                // Conv `[M, C, k...]` and ConvTranspose `[C, M, k...]` matrix views both give input
                // channel c the columns c·K ..< (c+1)·K (see `PrunableLayer.matrix`).
                consumerBlock = dims.dropFirst(2).reduce(1, *)
                return .success(nil)
            }
        case "Gemm", "MatMul":
            guard index == 0, c.fromEnd == -1 else { return .failure(SkipReason("channels enter \(u.label) at input \(index) or not on its last axis")) }
            if op == "Gemm" && (u.attribute("transA")?.int ?? 0) != 0 { return .failure(SkipReason("\(u.label) has transA = 1")) }
            switch constant(u.inputs.count > 1 ? u.inputs[1] : nil, what: "weight") {
            case .failure(let r): return .failure(r)
            case .success(let (v, dims)):
                guard dims.count == 2 else { return .failure(SkipReason("weight '\(v.name)' of \(u.label) is not 2-D")) }
                let axis = op == "Gemm" && (u.attribute("transB")?.int ?? 0) != 0 ? 1 : 0
                let features = dims[axis]
                guard features % channels == 0, c.flattened || features == channels else {
                    return .failure(SkipReason("weight '\(v.name)' of \(u.label) has \(features) input features; expected \(channels) channels\(c.flattened ? " times a block size" : "")"))
                }
                let block = features / channels
                let keep = kept.flatMap { ch in (0..<block).map { ch * block + $0 } }
                edits.append(.slice(v, axis: axis, keep: keep))
                consumerBlock = block
                return .success(nil)
            }
        default:
            return .failure(SkipReason("channels reach \(u.label), which channel pruning does not follow"))
        }
    }

    private func apply(_ edits: [Edit], channels: Int, kept: [Int]) throws {
        for e in edits {
            switch e {
            case .slice(let v, let axis, let keep):
                guard let t = v.initializer else { continue }
                let dims = t.dims.map { Int($0) }
                let x = try TensorConversion.runtimeTensor(from: t).floatValues()
                let (y, newDims) = Self.slice(x, dims: dims, axis: axis, keep: keep)
                PrunableLayer.store(y, dims: newDims, in: v)
                // Before IR 4 initializers are also listed as graph inputs: their declaration follows.
                if case .tensor(var tt)? = v.type?.kind, tt.shape != nil {
                    tt.shape = Shape(newDims.map { Int64($0) })
                    v.type?.kind = .tensor(tt)
                }
            case .shape(let v, let fromEnd, let flattened):
                guard case .tensor(var tt)? = v.type?.kind, var shape = tt.shape else { continue }
                let axis = shape.rank + fromEnd
                guard axis >= 0, axis < shape.rank else { continue }
                if case .value(let d)? = shape.dims[axis].value {
                    let n = Int(d)
                    if flattened {
                        shape.dims[axis] = Dimension(n % channels == 0 ? .value(Int64(n / channels * kept.count)) : nil)
                    } else if n == channels {
                        shape.dims[axis] = Dimension(.value(Int64(kept.count)))
                    }
                }
                tt.shape = shape
                v.type?.kind = .tensor(tt)
            case .attribute(let node, let name, let ints):
                guard let i = node.attributes.firstIndex(where: { $0.name == name }) else { continue }
                node.attributes[i].value = .ints(ints)
            }
        }
    }

    /// Keeps indices `keep` along `axis` of a row-major tensor.
    static func slice(_ x: [Float], dims: [Int], axis: Int, keep: [Int]) -> ([Float], [Int]) {
        let outer = dims[..<axis].reduce(1, *), inner = dims[(axis + 1)...].reduce(1, *), len = dims[axis]
        var y: [Float] = []
        y.reserveCapacity(outer * keep.count * inner)
        for a in 0..<outer {
            for k in keep { y.append(contentsOf: x[((a * len + k) * inner)..<((a * len + k + 1) * inner)]) }
        }
        var nd = dims
        nd[axis] = keep.count
        return (y, nd)
    }
}

/// Why a layer was left as it was.
public struct SkipReason: Error, Sendable, CustomStringConvertible {
    public let text: String
    public init(_ text: String) { self.text = text }
    public var description: String { text }
}
