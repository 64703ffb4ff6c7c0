import AbridgeIR

/// Runs calls to a model's local functions (`ModelProto.functions`) by expanding the function
/// body at each call site: attributes referenced with `ref_attr_name` take the caller's value
/// (or the function's default), then the body is compiled like a subgraph with the function's
/// own opset imports (ONNX IR.md, "Functions").
struct ModelFunctionLibrary: FunctionLibrary {
    let model: Model

    func kernel(for context: KernelBuildContext, registry: OperatorRegistry) throws -> OperatorKernel? {
        let node = context.node
        let domain = OperatorRegistry.normalize(node.domain ?? "")
        guard let function = model.functions.first(where: {
            OperatorRegistry.normalize($0.domain ?? "") == domain && $0.name == node.opType && ($0.overload ?? "") == (node.overload ?? "")
        }) else { return nil }
        var bindings: [String: Attribute] = [:]
        for a in function.attributeDefaults { if let n = a.name { bindings[n] = a } }
        for a in node.attributes { if let n = a.name { bindings[n] = a } }
        let body = function.graph.clone { attribute in
            guard let ref = attribute.refAttributeName else { return attribute }
            guard var bound = bindings[ref] else { return nil }
            bound.name = attribute.name
            bound.refAttributeName = nil
            return bound
        }
        var opsets: [String: Int] = [:]
        for o in model.opsetImports { opsets[OperatorRegistry.normalize(o.domain ?? "")] = Int(clamping: o.version ?? 1) }
        for o in function.opsetImports { opsets[OperatorRegistry.normalize(o.domain ?? "")] = Int(clamping: o.version ?? 1) }
        let plan = try GraphPlan(graph: body, opsets: opsets, registry: registry, functions: self)
        let outputCount = node.outputs.count
        return ClosureKernel { inputs, ctx in
            var args = inputs
            while args.count < plan.inputs.count { args.append(nil) }
            let results = try ctx.run(plan, inputs: Array(args.prefix(plan.inputs.count)))
            var out: [RuntimeValue?] = results.map { $0 }
            while out.count < outputCount { out.append(nil) }
            return out
        }
    }
}
