import AbridgeData
import AbridgeIR
import AbridgePasses
import AbridgeRuntime
import Logging

/// The result of quantizing a model.
public struct QuantizationResult {
    /// Every decision, with the statistics behind it.
    public var plan: QuantizationPlan
    /// Pre-processing passes that changed the model.
    public var passesApplied: [String]
    /// Opset of the default domain before and after (raised when a feature needs it).
    public var opsetBefore: Int
    public var opsetAfter: Int
    /// Activations with NaN or infinite calibration values (ignored), by tensor name.
    public var nonFiniteWarnings: [String: Int]
    /// Things the user should know, one line each (an option or plan entry that matched
    /// nothing, a tensor without finite calibration values kept in float, ...).
    public var warnings: [String] = []
}

/// Static post-training quantization to the standard QDQ format (QuantizeLinear /
/// DequantizeLinear pairs around compute ops; weights stored as integer initializers feeding a
/// DequantizeLinear; biases int32 with scale = input scale × weight scale).
///
/// Flow: pre-processing passes → choose targets (`QuantizationTargets`) → calibrate by running
/// the float model over the data with a `CalibrationObserver` (streamed) → plan (one
/// `QuantParameters` per tensor) → rewrite (`QDQRewriter`) → raise the opset if needed.
public struct Quantizer {
    public var options: QuantizationOptions
    public var logger: Logger

    public init(options: QuantizationOptions, logger: Logger = Logger(label: "abridge.quantization")) {
        self.options = options; self.logger = logger
    }

    /// Quantizes `model` in place.
    /// - Parameters:
    ///   - calibration: the calibration samples (needed unless `planIn` is given).
    ///   - sampleLimit: use at most this many samples.
    ///   - planIn: a plan to apply instead of calibrating.
    ///   - progress: called with (done, total) during calibration.
    /// - Throws: `QuantizationError`, `RuntimeError` (the float model cannot run), `DataError`.
    public func quantize(_ model: Model, calibration: DataSet?, sampleLimit: Int? = nil, planIn: QuantizationPlan? = nil,
                         progress: ((Int, Int) -> Void)? = nil) throws -> QuantizationResult {
        guard model.graph != nil else { throw QuantizationError.invalidModel("the model has no graph") }
        let opsetBefore = Int(model.opsetVersion(for: "") ?? 1)
        if model.allGraphs.contains(where: { g in g.nodes.contains { ($0.opType == "QuantizeLinear" || $0.opType == "DequantizeLinear" || $0.opType == "QLinearConv" || $0.opType == "QLinearMatMul") && $0.normalizedDomain.isEmpty } }) {
            throw QuantizationError.unsupported("the model already contains quantization operators (QuantizeLinear/DequantizeLinear/QLinear*); quantizing it again is refused")
        }
        let (passes, restoreValueInfo) = try PreQuantization.run(model)
        defer { restoreValueInfo() }
        let targets = try QuantizationTargets(model: model, options: options)
        var plan = QuantizationPlan(activationType: options.activationType, weightType: options.weightType,
                                    perChannel: options.perChannel, symmetricActivations: options.symmetricActivations,
                                    method: options.method.label, calibrationSamples: 0)
        plan.keptInFloat = targets.kept
        var notes = targets.unmatchedExclusions.map { "--exclude-nodes '\($0)' matched no node" }
        // What the op set leaves in float, grouped (computed before the rewrite adds nodes).
        let floatGroups = FloatOpSummary.groups(model, quantized: Set(targets.nodes.map { ObjectIdentifier($0.node) }),
                                                opTypes: options.opTypes.intersection(QuantizationOptions.quantizableOpTypes),
                                                defaultSet: options.opTypes == QuantizationOptions.defaultOpTypes)
        var warnings: [String: Int] = [:]
        var activationParams: [ObjectIdentifier: QuantParameters] = [:]
        var weightOverrides: [String: QuantParameters] = [:]
        if let planIn {
            let names = Self.tensorNames(model)
            let quantizedNames = Set(targets.activations.map(\.name))
            for e in planIn.entries {
                if !names.contains(e.tensor) {
                    notes.append("--plan-in: the \(e.role) entry '\(e.tensor)' matched no tensor of the model")
                } else if e.role == "activation" && !quantizedNames.contains(e.tensor) {
                    notes.append("--plan-in: activation '\(e.tensor)' is not quantized with these options (it is not an input of a quantized node); its entry is not used")
                }
            }
            var matched = 0
            // The first activation entry of each tensor, as a linear search would find it.
            let activationEntries = Dictionary(planIn.entries.filter { $0.role == "activation" }.map { ($0.tensor, $0) },
                                               uniquingKeysWith: { first, _ in first })
            for v in targets.roots {
                guard let entry = activationEntries[v.name] else {
                    plan.keptInFloat.append(.init(node: nil, tensor: v.name, reason: "not in the plan given with --plan-in"))
                    continue
                }
                let p = entry.parameters
                try p.validate(tensor: v.name, plan: "--plan-in")
                guard p.scale.count == 1, p.type != .int32 else {
                    throw QuantizationError.invalidPlan(path: "--plan-in", reason: "activation '\(v.name)' must have one scale and an 8- or 16-bit type")
                }
                activationParams[ObjectIdentifier(v)] = p
                // The root's entry as given; the tensors sharing its parameters get theirs below.
                plan.entries.append(.init(tensor: v.name, role: "activation", parameters: p, observedMin: entry.observedMin,
                                          observedMax: entry.observedMax, chosenMin: entry.chosenMin, chosenMax: entry.chosenMax,
                                          sharesWith: nil))
                matched += 1
            }
            for e in planIn.entries where e.role == "weight" {
                try e.parameters.validate(tensor: e.tensor, plan: "--plan-in")
                weightOverrides[e.tensor] = e.parameters
            }
            if matched == 0 && !targets.roots.isEmpty {
                throw QuantizationError.invalidPlan(path: "--plan-in", reason: "no activation of this model is in the plan (is it the plan of another model?)")
            }
            plan.calibrationSamples = planIn.calibrationSamples
        } else {
            guard let data = calibration else { throw QuantizationError.noCalibrationData }
            let observer = CalibrationObserver(targets: targets.roots, method: options.method)
            let session = try InferenceSession(model: model)
            let total = Swift.min(data.count, sampleLimit ?? data.count)
            guard total > 0 else { throw QuantizationError.emptyCalibration(data.source) }
            let inputs = session.requiredInputs
            for i in 0..<total {
                let feed = try data.feed(i..<(i + 1))
                for v in inputs { if let f = feed[v.name] { observer.record(v, f) } }
                _ = try session.run(feed, observer: observer)
                progress?(i + 1, total)
            }
            plan.calibrationSamples = total
            var noValues = 0
            for v in targets.roots {
                let key = ObjectIdentifier(v)
                guard let s = observer.statistics[key] else {
                    plan.keptInFloat.append(.init(node: nil, tensor: v.name, reason: "not a float tensor, or never computed on the calibration data"))
                    continue
                }
                if s.nonFinite > 0 { warnings[v.name] = s.nonFinite }
                guard s.samples > 0 else {
                    // Nothing to calibrate from: any scale would be a guess.
                    let what = s.nonFinite > 0 ? "no finite calibration value (all \(s.nonFinite) NaN or infinite)" : "no calibration value (empty in every sample)"
                    notes.append("activation '\(v.name)': \(what); kept in float")
                    plan.keptInFloat.append(.init(node: nil, tensor: v.name, reason: "\(what); kept in float"))
                    noValues += 1
                    continue
                }
                if s.nonFinite > 0 { notes.append("activation '\(v.name)': \(s.nonFinite) NaN or infinite calibration values were ignored") }
                let (lo, hi) = s.range(options.method)
                if Swift.max(abs(lo), abs(hi)) > options.maxActivationMagnitude {
                    plan.keptInFloat.append(.init(node: nil, tensor: v.name, reason: "range [\(lo), \(hi)] is too wide for 8 bits (a mask or unnormalized path); kept in float"))
                    continue
                }
                var p = QuantParameters.forRange(lo, hi, type: options.activationType, symmetric: options.symmetricActivations)
                p.axis = nil
                activationParams[key] = p
                plan.entries.append(.init(tensor: v.name, role: "activation", parameters: p, observedMin: s.min, observedMax: s.max,
                                          chosenMin: lo, chosenMax: hi, sharesWith: nil))
            }
            if noValues > 0 && noValues == targets.roots.count {
                notes.append("no activation had a finite calibration value: every activation is kept in float and only the weights are quantized (check the calibration data)")
            }
        }
        // Tensors sharing a root's parameters.
        for v in targets.activations {
            guard let root = targets.activationRoot[ObjectIdentifier(v)], root !== v, let p = activationParams[ObjectIdentifier(root)] else { continue }
            activationParams[ObjectIdentifier(v)] = p
            plan.entries.append(.init(tensor: v.name, role: "activation", parameters: p, observedMin: nil, observedMax: nil,
                                      chosenMin: nil, chosenMax: nil, sharesWith: root.name))
        }
        var rewriter = QDQRewriter(model: model, options: options, activationParams: activationParams,
                                   weightOverrides: weightOverrides)
        try rewriter.rewrite(targets, plan: &plan)
        let quantizedWeights = Set(plan.entries.filter { $0.role == "weight" }.map(\.tensor))
        if !weightOverrides.isEmpty {
            let modelNames = Self.tensorNames(model)
            for name in weightOverrides.keys.sorted() where !quantizedWeights.contains(name) && modelNames.contains(name) {
                notes.append("--plan-in: weight '\(name)' is not quantized with these options; its entry is not used")
            }
        }
        plan.keptInFloat += floatGroups
        // Float weights replaced by integer ones, and constant subgraphs that produced them (old
        // models), are now dead.
        _ = try EliminateDeadNodesPass().run(on: model)
        // Per-axis DequantizeLinear needs opset 13; 16-bit types need 21; plain QDQ needs 10.
        // Nothing quantized: nothing needs a newer opset.
        var needed = 0
        for g in model.allGraphs {
            for n in g.nodes where n.opType == "QuantizeLinear" || n.opType == "DequantizeLinear" {
                needed = Swift.max(needed, 10)
                if n.attribute("axis") != nil { needed = Swift.max(needed, 13) }
                let zeroPointType = n.inputs.count > 2 ? n.inputs[2]?.initializer?.elementType : nil
                if let t = zeroPointType ?? n.inputs[0]?.initializer?.elementType, t == .int16 || t == .uint16 {
                    needed = Swift.max(needed, 21)
                }
            }
        }
        let opsetAfter = try OpsetUpgrade.ensure(model, atLeast: needed)
        return QuantizationResult(plan: plan, passesApplied: passes, opsetBefore: opsetBefore, opsetAfter: opsetAfter,
                                  nonFiniteWarnings: warnings, warnings: notes)
    }

    /// The names of every tensor of the model (inputs, initializers, node outputs, any graph).
    static func tensorNames(_ model: Model) -> Set<String> {
        var out = Set<String>()
        for g in model.allGraphs {
            for v in g.inputs { out.insert(v.name) }
            for v in g.initializers { out.insert(v.name) }
            for v in g.sparseInitializers { out.insert(v.name) }
            for n in g.nodes { for v in n.outputs { out.insert(v.name) } }
        }
        return out
    }
}
