import AbridgeIR
import AbridgeRuntime

/// Computes a float16 model in float32 while keeping its interface (`upcast-float16`): every
/// FLOAT16 initializer, constant attribute, declared value type and `Cast`/`dtype` target of the
/// graphs becomes FLOAT, and a FLOAT16 graph input or output is kept by a `Cast` at the boundary
/// (input `x` float16 → `Cast(to: FLOAT)` → the graph; the graph's float result → `Cast(to:
/// FLOAT16)` → output `y`, names unchanged). Run by `abridge quantize` on float16 models, since
/// QuantizeLinear/DequantizeLinear need float32 scales below opset 19 and onnxruntime's integer
/// kernels expect float32 around them (onnxruntime's quantizer likewise asks for float32 models).
///
/// Every float16 value is exactly representable in float32, so the weights are unchanged; the
/// arithmetic is done with float32 rounding instead of float16 (outputs differ from a float16
/// runtime by float16 rounding, about 1e-3 relative). BFLOAT16 is left alone.
///
/// Not covered: model-local function bodies (their values carry no types; their initializers
/// and constants are converted), ops that take the float16 type from an attribute not listed
/// here (refused by the runtime or left float16: the result is then a mixed model).
public struct UpcastFloat16Pass: GraphPass {
    public let name = "upcast-float16"
    public init() {}

    /// Attributes naming an output element type (TensorProto.DataType values).
    static let dtypeAttributes: [String: Set<String>] = [
        "Cast": ["to"], "EyeLike": ["dtype"], "RandomNormal": ["dtype"], "RandomUniform": ["dtype"],
        "RandomNormalLike": ["dtype"], "RandomUniformLike": ["dtype"], "Multinomial": ["dtype"], "Bernoulli": ["dtype"],
    ]

    /// True when any graph of the model holds a FLOAT16 tensor or value.
    public static func applies(to model: Model) -> Bool {
        for g in model.allGraphs {
            if (g.inputs + g.outputs + g.valueInfo + g.initializers).contains(where: { isHalf($0) }) { return true }
            for n in g.nodes where n.outputs.contains(where: isHalf) { return true }
        }
        return false
    }

    public func run(on model: Model) throws -> Bool {
        guard Self.applies(to: model) else { return false }
        let names = NameAllocator(model: model)
        let interface = Set(((model.graph?.inputs ?? []).filter { !$0.isInitializer } + (model.graph?.outputs ?? []))
            .filter(Self.isHalf).map(ObjectIdentifier.init))
        for g in model.allGraphs { try convert(g) }
        if let g = model.graph { keepInterface(g, half: interface, names: names) }
        for f in model.functions {
            for n in f.graph.nodes { try convertAttributes(n) }
        }
        return true
    }

    private static func isHalf(_ v: Value) -> Bool {
        if v.initializer?.elementType == .float16 || v.sparseInitializer?.values?.elementType == .float16 { return true }
        if case .tensor(let t)? = v.type?.kind { return t.elementType == .float16 }
        return false
    }

    private func convert(_ g: Graph) throws {
        for v in g.initializers + g.sparseInitializers {
            if let t = v.initializer, t.elementType == .float16 { v.initializer = try Self.float(t, name: v.name) }
            if let s = v.sparseInitializer, let values = s.values, values.elementType == .float16 {
                s.values = try Self.float(values, name: values.name)
            }
        }
        var values = g.valueInfo + g.initializers + g.sparseInitializers
        for n in g.nodes {
            try convertAttributes(n)
            values += n.outputs
        }
        // Graph inputs and outputs are converted here too; keepInterface restores the main
        // graph's boundary (subgraph inputs/outputs are internal and become FLOAT).
        for v in values + g.inputs + g.outputs { Self.retype(v) }
    }

    private static func retype(_ v: Value) {
        guard case .tensor(var t)? = v.type?.kind, t.elementType == .float16 else { return }
        t.elementType = .float
        v.type?.kind = .tensor(t)
    }

    private func convertAttributes(_ n: Node) throws {
        let dtypes = n.normalizedDomain.isEmpty ? Self.dtypeAttributes[n.opType] ?? [] : []
        for i in n.attributes.indices {
            let a = n.attributes[i]
            switch a.value {
            case .int(let code) where dtypes.contains(a.name ?? "") && code == Int64(DataType.float16.rawValue):
                n.attributes[i].value = .int(Int64(DataType.float.rawValue))
            case .tensor(let t) where t.elementType == .float16:
                n.attributes[i].value = .tensor(try Self.float(t, name: t.name))
            case .tensors(let ts) where ts.contains { $0.elementType == .float16 }:
                n.attributes[i].value = .tensors(try ts.map { $0.elementType == .float16 ? try Self.float($0, name: $0.name) : $0 })
            default:
                break
            }
        }
    }

    /// Casts at the main graph's float16 inputs and outputs, so its interface does not change.
    private func keepInterface(_ g: Graph, half: Set<ObjectIdentifier>, names: NameAllocator) {
        for x in g.inputs where !x.isInitializer && half.contains(ObjectIdentifier(x)) {
            guard case .tensor(var t)? = x.type?.kind else { continue }
            // x keeps its name and becomes float16 again; its readers read the Cast's output.
            let cast = Node(opType: "Cast", name: names.make(x.name + "_to_float32"), inputs: [],
                            outputs: [names.make(x.name + "_float32")],
                            attributes: [Attribute(name: "to", value: .int(Int64(DataType.float.rawValue)))])
            let converted = cast.outputs[0]
            converted.type = x.type
            x.replaceAllUses(with: converted)   // a graph output that is this input stays the input
            cast.appendInput(x)
            t.elementType = .float16
            x.type?.kind = .tensor(t)
            g.insert(cast, at: 0)
        }
        let inputs = Set(g.inputs.map(ObjectIdentifier.init))
        for (k, y) in g.outputs.enumerated() where half.contains(ObjectIdentifier(y)) && !inputs.contains(ObjectIdentifier(y)) {
            guard case .tensor(var t)? = y.type?.kind else { continue }
            // The float result gets a new name; a Cast produces the float16 output under the old one.
            let original = y.name
            y.name = names.make(original + "_float32")
            let cast = Node(opType: "Cast", name: names.make(original + "_to_float16"), inputs: [y], outputs: [original],
                            attributes: [Attribute(name: "to", value: .int(Int64(DataType.float16.rawValue)))])
            let out = cast.outputs[0]
            t.elementType = .float16
            out.type = y.type
            out.type?.kind = .tensor(t)
            g.append(cast)
            g.outputs[k] = out
        }
    }

    private static func float(_ t: Tensor, name: String?) throws -> Tensor {
        let r = try TensorConversion.runtimeTensor(from: t)
        return TensorConversion.tensor(from: RuntimeTensor(floats: try r.floatValues(), shape: r.shape), name: name)
    }
}
