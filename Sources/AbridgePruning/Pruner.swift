import AbridgeData
import AbridgeIR
import AbridgeRuntime
import Foundation
import Logging

/// Prunes the Conv, ConvTranspose, Gemm and MatMul layers of a model's main graph whose weight is
/// a FLOAT initializer, optionally refits them on calibration data, and stores the result
/// honestly (sparse initializers only where they are smaller).
///
/// Flow: choose layers (`--exclude-nodes`, `--keep-first-last`) → measure shapes on one sample
/// (for MACs) → prune (magnitude masks, N:M masks, or channel removal through the graph) →
/// refit layer by layer from input to output (`LayerRecovery`, with `--calibration`) → distill
/// the whole pruned model toward the original (`Distiller`, when its ops allow) → choose
/// storage per weight → report.
public struct Pruner {
    public var options: PruningOptions
    public var logger: Logger

    public init(options: PruningOptions, logger: Logger = Logger(label: "abridge.pruning")) {
        self.options = options; self.logger = logger
    }

    /// Prunes `model` in place.
    /// - Parameters:
    ///   - calibration: samples for the least-squares refit (nil: no recovery).
    ///   - progress: called with (stage, done, total) during recovery.
    /// - Returns: the report.
    /// - Throws: `PruningError` (bad options, no graph, an N:M pattern that does not fit when
    ///   every layer fails), `RuntimeError` (the model cannot run on the calibration data),
    ///   `DataError`, `IRError`.
    public func prune(_ model: Model, calibration given: DataSet? = nil,
                      progress: ((String, Int, Int) -> Void)? = nil) throws -> PruningReport {
        try options.validate()
        // Calibration samples (at most `calibrationLimit`), widened with mixup blends when the
        // data allow it; the limit then applies before blending, so the recovery takes all rows.
        var calibration = given
        var limit = options.calibrationLimit
        var blends = 0, blendsNotUsed: String? = nil
        if let data = given, options.mixupBlends > 0 {
            if let why = data.mixupUnsupportedReason {
                blendsNotUsed = why
            } else {
                let base = Swift.min(data.count, limit ?? data.count)
                calibration = try data.withMixupBlends(copies: options.mixupBlends, limit: limit)
                blends = base * options.mixupBlends
                limit = nil
            }
        }
        if options.selection == .reconstruction && calibration == nil {
            throw PruningError.invalidOption("--selection reconstruction needs --calibration data")
        }
        guard let graph = model.graph else { throw PruningError.invalidModel("the model has no graph") }
        var report = PruningReport(pattern: options.pattern.description,
                                   sparsity: { if case .nOfM(let n, let m) = options.pattern { return 1 - Double(n) / Double(m) }; return options.sparsity }(),
                                   scope: options.scope.rawValue, norm: options.pattern == .channels ? options.norm.rawValue : nil,
                                   selection: options.pattern != .channels ? nil : (options.selection != .norm && calibration != nil ? "reconstruction" : "norm"),
                                   storage: options.pattern == .channels ? "dense" : options.storage.rawValue)
        report.modelParamsBefore = Self.parameterCount(graph)
        let order = try graph.topologicallySorted()
        let patterns = try options.excludeNodes.map { try NSRegularExpression(pattern: "^(?:\($0))$") }
        func excluded(_ names: [String]) -> Bool {
            names.contains { n in patterns.contains { $0.firstMatch(in: n, range: NSRange(n.startIndex..., in: n)) != nil } }
        }

        // 1. Layers.
        var layers: [PrunableLayer] = []
        var skipped: [(Node, String)] = []
        for node in order {
            let (layer, reason) = PrunableLayer.classify(node)
            if let layer { layers.append(layer) } else if let reason { skipped.append((node, reason)) }
        }
        if options.keepFirstLast, layers.count >= 1 {
            skipped.append((layers[0].node, "kept dense by --keep-first-last"))
            if layers.count >= 2 { skipped.append((layers[layers.count - 1].node, "kept dense by --keep-first-last")) }
            layers = Array(layers.dropFirst().dropLast())
        }
        layers.removeAll { l in
            guard excluded([l.node.name ?? "", l.weight.name]) else { return false }
            skipped.append((l.node, "excluded by --exclude-nodes"))
            return true
        }
        let overridable = model.overridableInitializers
        layers.removeAll { l in
            guard overridable.contains(ObjectIdentifier(l.weight)) else { return false }
            skipped.append((l.node, "weight '\(l.weight.name)' \(ChannelPruner.overridableReason)"))
            return true
        }
        // A name or pattern that matches no node (or weight) of the graph is most likely a typo.
        let allNames = order.flatMap { n in [n.name ?? ""] + (n.inputs.count > 1 ? [n.inputs[1]?.name ?? ""] : []) }
        for (text, p) in zip(options.excludeNodes, patterns)
        where !allNames.contains(where: { p.firstMatch(in: $0, range: NSRange($0.startIndex..., in: $0)) != nil }) {
            report.warnings.append("--exclude-nodes '\(text)' matches no node or weight of the graph")
        }

        // 2. Original copy (for recovery) and shapes (for MACs).
        let original = calibration == nil ? nil : try Self.copy(model)
        // Recovery state shared by channel selection and the refits: the pruned graph's nodes
        // mapped to the original's (the copy keeps node order), and the original's session.
        let recovery = LayerRecovery(ridge: options.ridge, batchSize: options.batchSize, limit: limit, logger: logger)
        let nodeMap = original?.graph.map { og in
            Dictionary(uniqueKeysWithValues: zip(graph.nodes, og.nodes).map { (ObjectIdentifier($0), $1) })
        } ?? [:]
        var source: LayerRecovery.Source? = nil
        var shapes: [ObjectIdentifier: [Int]] = [:]
        do {
            let session = try InferenceSession(model: model)
            // One sample, or one full batch of a model that fixes its batch size (MACs are per sample either way).
            let rows = Swift.max(session.fixedBatchSize ?? 1, 1)
            let feed = try calibration.flatMap { c in c.count >= rows && (rows == 1 || c.isBatchable) ? try c.feed(0..<rows) : nil }
                ?? ShapeProbe.zeroFeed(session.requiredInputs)
            let probe = ShapeProbe()
            for v in session.requiredInputs { if let t = feed[v.name]?.tensor { shapes[ObjectIdentifier(v)] = t.shape } }
            _ = try session.run(feed, observer: probe)
            shapes.merge(probe.shapes) { a, _ in a }
        } catch {
            report.warnings.append("MACs not counted: the model could not be run on one sample (\(error))")
        }
        var before: [ObjectIdentifier: (dims: [Int], nonZero: Int, bytes: Int, positions: Int?)] = [:]
        for node in order {
            guard node.inputs.count >= 2, let w = node.inputs[1], let t = w.initializer, ["Conv", "ConvTranspose", "Gemm", "MatMul"].contains(node.opType),
                  let (layer, _) = Optional(PrunableLayer.classify(node)), let l = layer else { continue }
            let values = try PrunableLayer.floats(of: w)
            before[ObjectIdentifier(node)] = (l.dims, values.filter { $0 != 0 }.count, t.storedByteCount, ShapeProbe.positions(of: l, shapes: shapes))
        }

        // 3. Prune.
        var masks: [ObjectIdentifier: [Bool]] = [:]
        var outputMap: [ObjectIdentifier: [Int]] = [:]
        var touched: [Node] = []
        var reasons: [ObjectIdentifier: String] = [:]
        var removedChannels: [ObjectIdentifier: Int] = [:]
        var selections: [ObjectIdentifier: String] = [:]
        var refitDone = Set<ObjectIdentifier>()
        var consumers = Set<ObjectIdentifier>()   // channel pruning: layers that lost input channels
        var progressShown = false   // one progress sequence per run: the interleaved one, or the refits
        switch options.pattern {
        case .unstructured:
            let weights = try layers.map { try PrunableLayer.floats(of: $0.weight) }
            let keeps = options.scope == .output
                ? zip(layers, weights).map { l, w in MagnitudeMask.perOutput(w, dims: l.dims, outputAxis: l.outputAxis ?? 0, sparsity: options.sparsity) }
                : MagnitudeMask.unstructured(weights, sparsity: options.sparsity, global: options.scope == .global)
            for (i, l) in layers.enumerated() {
                let w = zip(weights[i], keeps[i]).map { $1 ? $0 : 0 }
                PrunableLayer.store(w, dims: l.dims, in: l.weight)
                masks[ObjectIdentifier(l.node)] = keeps[i]
                touched.append(l.node)
            }
        case .nOfM(let n, let m):
            for l in layers {
                let w = try PrunableLayer.floats(of: l.weight)
                do {
                    let keep = try MagnitudeMask.nOfM(w, dims: l.dims, axis: l.reductionAxis, n: n, m: m, name: l.weight.name)
                    PrunableLayer.store(zip(w, keep).map { $1 ? $0 : 0 }, dims: l.dims, in: l.weight)
                    masks[ObjectIdentifier(l.node)] = keep
                    touched.append(l.node)
                } catch let e as PruningError {
                    skipped.append((l.node, e.description))
                    report.warnings.append("\(l.name): \(e)")
                }
            }
        case .channels:
            let pruner = ChannelPruner(sparsity: options.sparsity, norm: options.norm, multiple: options.channelMultiple, overridable: overridable)
            var selector: ReconstructionSelection? = nil
            if options.selection != .norm, let calibration, let original {
                let src = try recovery.source(original: original, data: calibration)
                source = src
                selector = ReconstructionSelection(recovery: recovery, source: src)
            }
            for (i, l0) in layers.enumerated() {
                defer {
                    if selector != nil { progressShown = true; progress?("selecting channels and refitting", i + 1, layers.count) }
                }
                let (fresh, why) = PrunableLayer.classify(l0.node)
                guard let l = fresh else { skipped.append((l0.node, why ?? "no longer prunable")); continue }
                var keep: [Int]? = nil
                var pending: ReconstructionSelection.Pending? = nil
                let normName = "\(options.norm.rawValue) norm"
                if let selector, case .success(let plan) = try pruner.prune(l, in: graph, dryRun: true) {
                    switch try selector.select(plan: plan, pruned: model, original: { nodeMap[ObjectIdentifier($0)] }) {
                    case .success(let choice):
                        keep = choice.keep; pending = choice.pending
                        selections[ObjectIdentifier(l.node)] = "reconstruction of \(choice.pending.target.node.name ?? choice.pending.target.node.label)"
                    case .failure(let r):
                        selections[ObjectIdentifier(l.node)] = "\(normName) (\(r.text))"
                    }
                } else {
                    selections[ObjectIdentifier(l.node)] = normName
                }
                switch try pruner.prune(l, in: graph, keep: keep) {
                case .failure(let r):
                    skipped.append((l.node, r.text))
                    reasons[ObjectIdentifier(l.node)] = r.text
                    selections[ObjectIdentifier(l.node)] = nil
                case .success(let outcome):
                    outputMap[ObjectIdentifier(l.node)] = outcome.kept
                    removedChannels[ObjectIdentifier(l.node)] = outcome.before - outcome.kept.count
                    touched.append(l.node)
                    touched.append(contentsOf: outcome.consumers)
                    consumers.formUnion(outcome.consumers.map(ObjectIdentifier.init))
                    if let pending, let selector {
                        report.refits.append(selector.refit(pending, kept: outcome.kept))
                        refitDone.insert(ObjectIdentifier(pending.target.node))
                    }
                }
            }
        }
        var seenTouched = Set<ObjectIdentifier>()
        let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { (ObjectIdentifier($1), $0) })
        touched = touched.filter { seenTouched.insert(ObjectIdentifier($0)).inserted }
            .sorted { (position[ObjectIdentifier($0)] ?? 0) < (position[ObjectIdentifier($1)] ?? 0) }

        // 4. Recovery.
        if let calibration, let original {
            var targets: [RefitTarget] = []
            // A layer that only lost output channels and reads a graph input computes exactly the
            // original's kept outputs: nothing to refit.
            let graphInputs = Set(graph.inputs.map(ObjectIdentifier.init))
            func unchanged(_ n: Node) -> Bool {
                options.pattern == .channels && !consumers.contains(ObjectIdentifier(n))
                    && n.inputs.first.flatMap { $0 }.map { graphInputs.contains(ObjectIdentifier($0)) } == true
            }
            for node in touched where !refitDone.contains(ObjectIdentifier(node)) && !unchanged(node) {
                guard let on = nodeMap[ObjectIdentifier(node)], let (layer, _) = Optional(PrunableLayer.classify(node)), let l = layer, let mat = l.matrix else {
                    report.refits.append(RefitRecord(node: node.name ?? node.label, rows: 0, inputs: 0, lambda: 0, relativeErrorBefore: 0,
                                                     relativeErrorAfter: 0, skipped: "not a plain matrix product (grouped Conv or ConvTranspose, or batched MatMul)", warning: nil))
                    continue
                }
                targets.append(RefitTarget(node: node, original: on, outputs: outputMap[ObjectIdentifier(node)] ?? Array(0..<mat.rows),
                                           mask: masks[ObjectIdentifier(node)]))
            }
            let interleaved = progressShown
            let src = try source ?? recovery.source(original: original, data: calibration)
            report.refits += try recovery.refit(targets, pruned: model, source: src) {
                if !interleaved { progress?("refitting layers", $0, $1) }
            }
            report.calibrationSamples = Swift.min(calibration.count, limit ?? calibration.count) - blends
            report.calibrationBlends = blends
            report.blendsNotUsed = blendsNotUsed
            report.warnings += report.refits.compactMap(\.warning)
            if src.leftOut > 0 {
                report.warnings.append("the model fixes its batch size at \(src.batch): \(src.leftOut) calibration row\(src.leftOut == 1 ? "" : "s") (samples or blends) left out of the refits")
            }
            if let given {
                let teacherMACs = before.values.reduce(Optional(0)) { sum, b in
                    guard let sum, let p = b.positions else { return nil }
                    return sum + p * b.dims.reduce(1, *)
                }
                // The samples as fed (floating-point data converted to the inputs' declared types).
                // A fixed batch size b > 1: a multiple of b samples, so that every pass is full.
                var n = Swift.min(given.count, options.calibrationLimit ?? given.count)
                if let b = src.originalSession.fixedBatchSize, b > 1, n >= b { n -= n % b }
                let samples = given.isBatchable && n >= 2
                    ? try given.feed(0..<n).compactMapValues(\.tensor) : try given.stackedSamples(limit: options.calibrationLimit)
                try distill(model, original: original, samples: samples, macsPerSample: teacherMACs, pruned: !touched.isEmpty,
                            report: &report) { progress?("distilling", $0, $1) }
            }
        }

        // 5. Storage and report.
        var totalBefore = 0, totalAfter = 0, totalEffective = 0, counted = true
        let prunedSet = Set(touched.map(ObjectIdentifier.init))
        for node in order {
            guard let b = before[ObjectIdentifier(node)], let w = node.inputs[1] else { continue }
            let key = ObjectIdentifier(node)
            guard let t = w.initializer else { continue }
            let values = try PrunableLayer.floats(of: w)
            let dims = t.dims.map { Int($0) }
            let nonZero = values.filter { $0 != 0 }.count
            let paramsBefore = b.dims.reduce(1, *)
            var storage = "dense", why: String? = nil
            var bytesAfter = t.storedByteCount
            if prunedSet.contains(key) && options.pattern != .channels {
                let dense = SparseInitializerConversion.denseBytes(values.count), sparse = SparseInitializerConversion.sparseBytes(nonZeros: nonZero)
                let choose: Bool
                switch options.storage {
                case .dense: choose = false; why = "--storage dense"
                case .sparse: choose = true; why = "--storage sparse"
                case .auto:
                    choose = sparse < dense
                    why = choose ? "sparse \(sparse) B < dense \(dense) B" : "dense \(dense) B <= sparse \(sparse) B (12 B per non-zero pays only above 67% sparsity)"
                }
                if choose, let g = node.graph {
                    if try SparseInitializerConversion.makeSparse(w, in: g) {
                        storage = "sparse"; bytesAfter = sparse
                    } else {
                        why = t.elementType == .float16 ? "FLOAT16 weights are kept dense" : "an initializer that is also a graph input stays dense"
                    }
                }
            } else if options.pattern == .channels && prunedSet.contains(key) {
                why = "channel pruning writes smaller dense weights"
            }
            let dense = dims.reduce(1, *)
            let macsB = b.positions.map { $0 * paramsBefore }
            let macsA = b.positions.map { $0 * dense }
            let eff = b.positions.map { $0 * nonZero }
            if let macsB, let macsA, let eff { totalBefore += macsB; totalAfter += macsA; totalEffective += eff } else { counted = false }
            let status = prunedSet.contains(key) ? "pruned" : "skipped"
            var reason = skipped.first { $0.0 === node }?.1 ?? reasons[key]
            if status == "pruned" {
                // A channel-pruning consumer lost input channels; its own outputs may have been kept for a reason.
                reason = options.pattern == .channels ? reason.map { "output channels kept: \($0); input channels pruned" } : nil
            } else if reason == nil { reason = "not selected" }
            report.layers.append(LayerPruningReport(
                node: node.name ?? node.label, op: node.opType, weight: w.name, status: status, reason: reason,
                shapeBefore: b.dims, shapeAfter: dims, paramsBefore: paramsBefore, paramsAfter: dense,
                nonZeroBefore: b.nonZero, nonZeroAfter: nonZero,
                sparsityBefore: 1 - Double(b.nonZero) / Double(Swift.max(paramsBefore, 1)),
                sparsityAfter: 1 - Double(nonZero) / Double(Swift.max(paramsBefore, 1)),
                storage: storage, storageReason: why, bytesBefore: b.bytes, bytesAfter: bytesAfter,
                macsBefore: macsB, macsAfter: macsA, effectiveMacsAfter: eff, outputChannelsRemoved: removedChannels[key], selection: selections[key]))
        }
        for (node, reason) in skipped where before[ObjectIdentifier(node)] == nil {
            report.layers.append(LayerPruningReport(node: node.name ?? node.label, op: node.opType, weight: node.inputs.count > 1 ? node.inputs[1]?.name ?? "" : "",
                                                    status: "skipped", reason: reason, shapeBefore: [], shapeAfter: [], paramsBefore: 0, paramsAfter: 0,
                                                    nonZeroBefore: 0, nonZeroAfter: 0, sparsityBefore: 0, sparsityAfter: 0, storage: "dense",
                                                    storageReason: nil, bytesBefore: 0, bytesAfter: 0, macsBefore: nil, macsAfter: nil,
                                                    effectiveMacsAfter: nil, outputChannelsRemoved: nil, selection: nil))
        }
        if counted && !before.isEmpty { report.macsBefore = totalBefore; report.macsAfter = totalAfter; report.effectiveMacsAfter = totalEffective }
        report.modelParamsAfter = Self.parameterCount(graph)
        report.summary = touched.isEmpty ? "no layer was pruned (the reasons are listed per layer): the model is written unchanged" : Self.summary(options)
        if touched.isEmpty { report.warnings.append("no layer was pruned") }
        return report
    }

    static func summary(_ o: PruningOptions) -> String {
        switch o.pattern {
        case .channels:
            return "channel pruning removed whole channels: the weights are smaller dense tensors, so the file, the memory and the FLOPs shrink in any runtime (a real speed-up without sparse kernels)"
        case .unstructured, .nOfM:
            let nm = o.pattern == .unstructured ? "" : " N:M patterns can be accelerated by sparse tensor cores (2:4 on recent GPUs); CPU runtimes such as onnxruntime still run them densely."
            return "zeros only shrink the file where stored as sparse initializers (above ~67% sparsity) or where the file is compressed; dense runtimes execute the same FLOPs (effective MACs need sparse kernels)." + nm
        }
    }

    /// Parameters: elements of dense initializers plus non-zeros (values) of sparse ones.
    static func parameterCount(_ graph: Graph) -> Int {
        var n = 0
        for v in graph.initializers { n += v.initializer?.elementCount ?? 0 }
        for v in graph.sparseInitializers { n += v.sparseInitializer?.values?.elementCount ?? 0 }
        return n
    }

    /// A copy of the model sharing tensors (the main graph is cloned; edits replace tensors).
    static func copy(_ m: Model) throws -> Model {
        let c = Model(irVersion: m.irVersion, opsetImports: m.opsetImports, graph: try m.graph?.clone())
        c.functions = m.functions
        return c
    }
}
