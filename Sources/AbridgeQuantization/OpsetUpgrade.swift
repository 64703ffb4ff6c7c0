import AbridgeIR
import AbridgeRuntime

/// Raises a model's default-domain opset when a quantization feature needs it (per-channel
/// DequantizeLinear needs 13; 16-bit types need 21), rewriting every operator whose signature
/// or meaning changed in between (ONNX docs/Changelog.md), or refusing with the op's name.
///
/// Rewritten on the way to 13: Softmax/LogSoftmax/Hardmax (opset < 13 coerce the input to 2-D
/// at `axis`; kept only when `axis` is the last axis, which the declared rank must show),
/// Unsqueeze/Squeeze/Split/ReduceSum (`axes`/`split` attributes become inputs), Pad and Clip
/// (attributes become inputs at 11), Slice (inputs at 10), Dropout (`ratio` input), Upsample
/// (replaced by Resize: two inputs at opset 10, an empty `roi` tensor at 11 and 12, where the
/// input is required, none from 13). Ops known unchanged, and the quantization ops the
/// quantizers insert (created at the target opset), are left alone; any other op refuses the
/// upgrade. A model below IR 4 listed every initializer as a graph input, as a constant: when
/// the IR version is raised to 4 or more, where such an input could be overridden by a feed,
/// the initializers leave the inputs so they stay constants.
enum OpsetUpgrade {
    /// Ops whose meaning did not change from opset 7 up to 21 for the attributes and inputs they
    /// take (new optional attributes only, with defaults that keep the old behaviour).
    static let unchanged: Set<String> = [
        "Conv", "ConvTranspose", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "Relu", "LeakyRelu",
        "Sigmoid", "Tanh", "Add", "Sub", "Mul", "Div", "Pow", "Sqrt", "Exp", "Log", "Neg", "Abs", "Reciprocal", "Gemm",
        "MatMul", "BatchNormalization", "Concat", "Reshape", "Flatten", "Transpose", "Sum", "Max", "Min", "Mean", "LRN",
        "Constant", "ConstantOfShape", "Shape", "Gather", "Cast", "Identity", "Equal", "Less", "Greater", "Not", "And",
        "Or", "Where", "Expand", "Tile", "Erf", "Floor", "Ceil", "InstanceNormalization", "PRelu", "Elu", "Selu",
        "HardSigmoid", "Softplus", "Softsign", "ArgMax", "ArgMin",
        "QuantizeLinear", "DequantizeLinear", "LayerNormalization", "Gelu", "Range", "Size", "Trilu", "CumSum", "If",
        "Loop", "Scan", "TopK", "Resize", "Einsum", "Sin", "Cos",
        // Inserted by the quantizers themselves, already in their target-opset form.
        "DynamicQuantizeLinear", "MatMulInteger", "ConvInteger", "QLinearMatMul", "QLinearConv"]

    /// Ensures the default-domain opset is at least `needed`.
    /// - Returns: the opset after the call.
    /// - Throws: `QuantizationError.unsupported` naming an op that cannot be converted.
    static func ensure(_ model: Model, atLeast needed: Int) throws -> Int {
        let current = Int(model.opsetVersion(for: "") ?? 1)
        guard current < needed else { return current }
        let names = NameAllocator(model: model)
        for graph in model.allGraphs {
            for node in graph.nodes where node.normalizedDomain.isEmpty {
                try convert(node, in: graph, from: current, to: needed, names: names)
            }
        }
        if let i = model.opsetImports.firstIndex(where: { ($0.domain ?? "").isEmpty || $0.domain == "ai.onnx" }) {
            model.opsetImports[i].version = Int64(needed)
        } else {
            model.opsetImports.append(OperatorSetId(domain: "", version: Int64(needed)))
        }
        let minimumIR = IRVersionRequirements.minimumIRVersion(domain: "", version: Int64(needed)) ?? 0
        let irBefore = model.irVersion ?? 0
        if irBefore < minimumIR {
            model.irVersion = minimumIR
            if irBefore < 4 { keepInitializersConstant(model) }
        }
        return needed
    }

    /// Removes the initializers from the graph inputs (where IR < 4 listed them as constants),
    /// and drops those nothing reads any more.
    private static func keepInitializersConstant(_ model: Model) {
        // Only the main graph: a subgraph's inputs are its formal parameters.
        if let graph = model.graph {
            graph.inputs.removeAll { $0.isInitializer }
            let outputs = Set(graph.outputs.map(ObjectIdentifier.init))
            graph.initializers.removeAll { $0.uses.isEmpty && !outputs.contains(ObjectIdentifier($0)) }
            graph.sparseInitializers.removeAll { $0.uses.isEmpty && !outputs.contains(ObjectIdentifier($0)) }
        }
    }

    private static func int64Input(_ values: [Int64], base: String, in graph: Graph, names: NameAllocator) -> Value {
        let v = Value(name: names.make(base))
        v.initializer = TensorConversion.tensor(from: RuntimeTensor(int64s: values, shape: [values.count]), name: v.name)
        graph.initializers.append(v)
        return v
    }

    private static func convert(_ node: Node, in graph: Graph, from: Int, to: Int, names: NameAllocator) throws {
        let label = node.label
        func refuse(_ why: String) -> QuantizationError {
            .unsupported("raising the opset from \(from) to \(to) needs \(label) rewritten: \(why)")
        }
        func moveAttributeToInput(_ attr: String, at index: Int, suffix: String) {
            guard let values = node.attribute(attr)?.ints else { return }
            node.attributes.removeAll { $0.name == attr }
            while node.inputs.count < index { node.appendInput(nil) }
            let v = int64Input(values, base: (node.outputs.first?.name ?? "n") + suffix, in: graph, names: names)
            if node.inputs.count == index { node.appendInput(v) } else { node.setInput(index, v) }
        }
        switch node.opType {
        case "Softmax", "LogSoftmax", "Hardmax":
            guard from < 13 && to >= 13 else { return }
            // Opset < 13 coerces the input to 2-D at `axis` and normalizes each row; opset 13
            // normalizes along one axis. Rewritten exactly as
            // Reshape(Softmax13(Flatten(x, axis), axis = -1), Shape(x)).
            guard let x = node.inputs.first ?? nil, let y = node.outputs.first else { throw refuse("missing input or output") }
            let axis = node.attribute("axis")?.int ?? 1
            let base = y.name
            // Values first (their names as before), then the new nodes' names, all from one allocator.
            let flatOut = names.make(base + "_2d"), shapeOut = names.make(base + "_shape"), innerOut = names.make(base + "_2d_out")
            let flat = Node(opType: "Flatten", name: names.make(base + "_flatten"), inputs: [x], outputs: [flatOut],
                            attributes: [Attribute(name: "axis", value: .int(axis))])
            let shape = Node(opType: "Shape", name: names.make(base + "_shape"), inputs: [x], outputs: [shapeOut])
            let inner = Node(opType: node.opType, name: node.name, inputs: [flat.outputs[0]], outputs: [innerOut],
                             attributes: [Attribute(name: "axis", value: .int(-1))])
            let reshape = Node(opType: "Reshape", name: names.make(base + "_reshape"), inputs: [inner.outputs[0], shape.outputs[0]],
                               outputs: [])
            for n in [flat, shape, inner, reshape] { graph.insert(n, before: node) }
            // The Reshape takes over the original output value (and so its name and readers).
            node.removeAllInputs()
            try graph.replaceOutput(of: node, with: reshape)
        case "Unsqueeze", "Squeeze", "ReduceSum":
            if from < 13 && to >= 13 { moveAttributeToInput("axes", at: 1, suffix: "_axes") }
        case "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum",
             "ReduceLogSumExp", "ReduceSumSquare":
            // The other reductions take `axes` as an input from opset 18 (no axes: all of them,
            // as before with noop_with_empty_axes = 0).
            if from < 18 && to >= 18 { moveAttributeToInput("axes", at: 1, suffix: "_axes") }
        case "Split":
            if from < 13 && to >= 13 { moveAttributeToInput("split", at: 1, suffix: "_split") }
        case "Pad":
            if from < 11 && to >= 11 {
                guard let pads = node.attribute("pads")?.ints else { throw refuse("missing pads") }
                let value = node.attribute("value")?.float ?? 0
                node.attributes.removeAll { $0.name == "pads" || $0.name == "value" }
                node.appendInput(int64Input(pads, base: (node.outputs.first?.name ?? "n") + "_pads", in: graph, names: names))
                let c = Value(name: names.make((node.outputs.first?.name ?? "n") + "_pad_value"))
                c.initializer = TensorConversion.tensor(from: RuntimeTensor(floats: [value], shape: []), name: c.name)
                graph.initializers.append(c)
                node.appendInput(c)
            }
        case "Clip":
            if from < 11 && to >= 11 {
                let lo = node.attribute("min")?.float ?? -Float.greatestFiniteMagnitude
                let hi = node.attribute("max")?.float ?? Float.greatestFiniteMagnitude
                node.attributes.removeAll { $0.name == "min" || $0.name == "max" }
                for (v, suffix) in [(lo, "_min"), (hi, "_max")] {
                    let c = Value(name: names.make((node.outputs.first?.name ?? "n") + suffix))
                    c.initializer = TensorConversion.tensor(from: RuntimeTensor(floats: [v], shape: []), name: c.name)
                    graph.initializers.append(c)
                    node.appendInput(c)
                }
            }
        case "Slice":
            if from < 10 && to >= 10 {
                guard let starts = node.attribute("starts")?.ints, let ends = node.attribute("ends")?.ints else { throw refuse("missing starts/ends") }
                let axes = node.attribute("axes")?.ints
                node.attributes.removeAll { ["starts", "ends", "axes"].contains($0.name) }
                let base = node.outputs.first?.name ?? "n"
                node.appendInput(int64Input(starts, base: base + "_starts", in: graph, names: names))
                node.appendInput(int64Input(ends, base: base + "_ends", in: graph, names: names))
                if let axes { node.appendInput(int64Input(axes, base: base + "_axes", in: graph, names: names)) }
            }
        case "Upsample":
            guard from < 10 && to >= 10 else { return }
            // Upsample-7/9 = Resize with asymmetric coordinates (output = floor(input · scale));
            // nearest takes floor(x_out / scale), exact for the upsampling Upsample exists for
            // (onnx version converter: Upsample 9 -> Resize 10 -> 11). Rewritten in place as
            // Resize-10(X, scales), whose only coordinate mapping is the asymmetric one, or from
            // opset 11 Resize(X, roi, scales) with coordinate_transformation_mode "asymmetric",
            // `roi` an empty float tensor at 11 and 12 (a required input there, unused in this
            // mode) and omitted from 13 (optional).
            let mode = node.attribute("mode")?.string ?? "nearest"
            guard mode == "nearest" || mode == "linear" || mode == "bilinear" else { throw refuse("unknown mode '\(mode)'") }
            guard let x = node.inputs.first ?? nil else { throw refuse("missing input") }
            let scales: Value
            if from < 9 {
                guard let values = node.attribute("scales")?.floats else { throw refuse("missing scales") }
                let v = Value(name: names.make((node.outputs.first?.name ?? "n") + "_scales"))
                v.initializer = TensorConversion.tensor(from: RuntimeTensor(floats: values, shape: [values.count]), name: v.name)
                graph.initializers.append(v)
                scales = v
            } else {
                guard node.inputs.count >= 2, let v = node.inputs[1] else { throw refuse("missing scales input") }
                scales = v
            }
            if mode == "nearest" {
                // Downsampling with floor would differ from Upsample's rounding there: refuse.
                if let t = scales.initializer, let values = try? TensorConversion.runtimeTensor(from: t).floatValues(),
                   values.contains(where: { $0 < 1 }) {
                    throw refuse("nearest Upsample with a scale below 1 (\(values))")
                } else if scales.initializer == nil {
                    throw refuse("nearest Upsample with scales computed at run time (cannot check they are >= 1)")
                }
            }
            node.opType = "Resize"
            node.attributes = [Attribute(name: "mode", value: .string(Array((mode == "nearest" ? "nearest" : "linear").utf8)))]
            node.removeAllInputs()
            node.appendInput(x)
            if to >= 11 {
                node.attributes.append(Attribute(name: "coordinate_transformation_mode", value: .string(Array("asymmetric".utf8))))
                if mode == "nearest" { node.attributes.append(Attribute(name: "nearest_mode", value: .string(Array("floor".utf8)))) }
                if to < 13 {
                    let roi = Value(name: names.make((node.outputs.first?.name ?? "n") + "_roi"))
                    roi.initializer = TensorConversion.tensor(from: RuntimeTensor(floats: [], shape: [0]), name: roi.name)
                    graph.initializers.append(roi)
                    node.appendInput(roi)
                } else {
                    node.appendInput(nil)
                }
            }
            node.appendInput(scales)
        case "Dropout":
            if from < 12 && to >= 12 { node.attributes.removeAll { $0.name == "ratio" || $0.name == "is_test" } }
        default:
            if !unchanged.contains(node.opType) { throw refuse("\(node.opType) is not known to keep its meaning across these opsets") }
        }
    }
}
