import AbridgeIR

/// `Scan` (onnx.ai/onnx/operators/onnx__Scan.html, since-versions 8, 9, 11, 16, 19, 21, 23, 24,
/// 25): runs `body` once per slice of the `num_scan_inputs` scan inputs, threading N state
/// values through and stacking K scan outputs.
///
/// Opset 9+: inputs are the N initial states then the M scan inputs, sliced along
/// `scan_input_axes` (default 0) in `scan_input_directions` (0 forward, 1 reverse); scan outputs
/// are stacked along `scan_output_axes` in `scan_output_directions`. Opset 8: the first input is
/// the optional `sequence_lens`, every other input has a leading batch axis that is iterated
/// independently, scan inputs are sliced along axis 1, and `directions` sets the scan direction.
struct ScanKernel: OperatorKernel {
    let body: GraphPlan
    let scanInputCount: Int
    let opset8: Bool
    let inputAxes: [Int]?
    let inputDirections: [Int]?
    let outputAxes: [Int]?
    let outputDirections: [Int]?

    init(context: KernelBuildContext) throws {
        let a = context.attributes
        body = try context.planSubgraph(try a.graph("body"))
        guard let m = try a.int("num_scan_inputs"), m >= 0 else {
            throw RuntimeError.invalidAttribute(node: context.node.label, name: "num_scan_inputs", reason: "required non-negative attribute is missing")
        }
        scanInputCount = Int(clamping: m)
        opset8 = context.opset < 9
        inputAxes = try a.ints("scan_input_axes")?.map { Int(clamping: $0) }
        inputDirections = try a.ints(opset8 ? "directions" : "scan_input_directions")?.map { Int(clamping: $0) }
        outputAxes = try a.ints("scan_output_axes")?.map { Int(clamping: $0) }
        outputDirections = try a.ints("scan_output_directions")?.map { Int(clamping: $0) }
    }

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        if opset8 { return try runBatched(inputs, context: context) }
        let tensors = try (0..<inputs.count).map { try inputs.tensor($0) }
        let n = tensors.count - scanInputCount
        guard n >= 0 else { throw RuntimeError.invalidInput(node: "", reason: "Scan: fewer inputs than num_scan_inputs") }
        let (states, scans) = try scan(states: Array(tensors[..<n]), inputs: Array(tensors[n...]), axes: inputAxes, context: context)
        return states.map { .tensor($0) } + scans.map { .tensor($0) }
    }

    /// One scan over `inputs` (sliced along their axes) starting from `states`.
    func scan(states initial: [RuntimeTensor], inputs: [RuntimeTensor], axes: [Int]?, context: ExecutionContext) throws -> ([RuntimeTensor], [RuntimeTensor]) {
        let m = inputs.count
        let axes = try (0..<m).map { i in try NumericDispatch.axis(axes.map { i < $0.count ? $0[i] : 0 } ?? 0, rank: inputs[i].rank, "Scan") }
        let lengths = (0..<m).map { inputs[$0].shape[axes[$0]] }
        guard let length = lengths.first else { throw RuntimeError.invalidInput(node: "", reason: "Scan needs at least one scan input") }
        guard lengths.allSatisfy({ $0 == length }) else {
            throw RuntimeError.invalidInput(node: "", reason: "Scan: scan inputs have different lengths \(lengths)")
        }
        var states = initial
        var outputs: [[RuntimeTensor]] = []
        for step in 0..<length {
            var args: [RuntimeValue?] = states.map { .tensor($0) }
            for i in 0..<m {
                let reverse = (inputDirections.map { i < $0.count ? $0[i] : 0 } ?? 0) != 0
                let t = reverse ? length - 1 - step : step
                let slice = try SliceOp.apply(inputs[i], starts: [t], ends: [t + 1], axes: [axes[i]], steps: nil)
                var shape = slice.shape
                shape.remove(at: axes[i])
                args.append(.tensor(slice.reshaped(shape)))
            }
            let results = try context.run(body, inputs: args)
            guard results.count >= states.count else { throw RuntimeError.invalidInput(node: "", reason: "Scan: body returned too few values") }
            states = try results.prefix(states.count).map { v in
                guard let t = v.tensor else { throw RuntimeError.invalidInput(node: "", reason: "Scan: states must be tensors") }
                return t
            }
            let extra = try results.dropFirst(states.count).map { v -> RuntimeTensor in
                guard let t = v.tensor else { throw RuntimeError.invalidInput(node: "", reason: "Scan: scan outputs must be tensors") }
                return t
            }
            if outputs.isEmpty { outputs = Array(repeating: [], count: extra.count) }
            for (k, t) in extra.enumerated() where k < outputs.count { outputs[k].append(t) }
        }
        let k = Swift.max(0, body.outputs.count - states.count)
        if outputs.isEmpty { outputs = Array(repeating: [], count: k) }
        let stacked = try outputs.enumerated().map { (j, slices) -> RuntimeTensor in
            let reverse = (outputDirections.map { j < $0.count ? $0[j] : 0 } ?? 0) != 0
            let ordered = reverse ? Array(slices.reversed()) : slices
            let stackedFirst = try LoopKernel.stack(ordered.map { .tensor($0) }, emptyType: body.outputs[states.count + j].type?.tensorElementType ?? .float)
            let axis = outputAxes.map { j < $0.count ? $0[j] : 0 } ?? 0
            let a = try NumericDispatch.axis(axis, rank: stackedFirst.rank, "Scan")
            guard a != 0 else { return stackedFirst }
            var perm = Array(1..<stackedFirst.rank)
            perm.insert(0, at: a)
            return try TransposeOp.apply(stackedFirst, perm: perm)
        }
        return (states, stacked)
    }

    /// Opset 8: iterate the leading batch axis, scanning axis 1 of each batch entry.
    func runBatched(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let lens = try NumericDispatch.ints(try inputs.optionalTensor(0))
        let rest = try (1..<inputs.count).map { try inputs.tensor($0) }
        let n = rest.count - scanInputCount
        guard n >= 0, let batch = rest.first?.shape.first else { throw RuntimeError.invalidInput(node: "", reason: "Scan: bad inputs") }
        var finalStates: [[RuntimeTensor]] = Array(repeating: [], count: n)
        var finalScans: [[RuntimeTensor]] = []
        for b in 0..<batch {
            let entry = try rest.map { t -> RuntimeTensor in
                let s = try SliceOp.apply(t, starts: [b], ends: [b + 1], axes: [0], steps: nil)
                return s.reshaped(Array(s.shape.dropFirst()))
            }
            var scanInputs = Array(entry[n...])
            if let lens, b < lens.count {
                let length = lens[b]
                scanInputs = try scanInputs.map { try SliceOp.apply($0, starts: [0], ends: [length], axes: [0], steps: nil) }
            }
            let (states, scans) = try scan(states: Array(entry[..<n]), inputs: scanInputs, axes: nil, context: context)
            for (i, s) in states.enumerated() { finalStates[i].append(s) }
            if finalScans.isEmpty { finalScans = Array(repeating: [], count: scans.count) }
            for (i, s) in scans.enumerated() { finalScans[i].append(s) }
        }
        let states = try finalStates.map { try LoopKernel.stack($0.map { .tensor($0) }, emptyType: .float) }
        let scans = try finalScans.map { try LoopKernel.stack($0.map { .tensor($0) }, emptyType: .float) }
        return states.map { .tensor($0) } + scans.map { .tensor($0) }
    }
}
