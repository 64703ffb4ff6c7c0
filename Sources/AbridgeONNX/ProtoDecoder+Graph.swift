import AbridgeIR
import COnnxProto
import CProtobufC

extension ProtoDecoder {
    /// Decodes a graph. Names resolve first to this graph's inputs, initializers and node outputs,
    /// then to enclosing graphs (`parent`), so subgraphs share the outer values.
    func graph(_ g: UnsafeMutablePointer<Onnx__GraphProto>, parent: Scope?, what: String) throws -> Graph {
        guard depth < 64 else { throw fail("subgraphs nested more than 64 levels deep") }
        var sub = self; sub.depth += 1
        return try sub.graphBody(g, parent: parent, what: what)
    }

    private func graphBody(_ g: UnsafeMutablePointer<Onnx__GraphProto>, parent: Scope?, what: String) throws -> Graph {
        let p = g.pointee
        let graph = Graph(name: try optString(p.has_name, p.name, "\(what) name"))
        let label = "graph '\(graph.name ?? what)'"
        graph.docString = try optString(p.has_doc_string, p.doc_string, "\(label) doc_string")
        let scope = Scope(parent: parent)
        for vi in messages(p.n_input, p.input) {
            let v = Value(name: try optString(vi.pointee.has_name, vi.pointee.name, "\(label) input name") ?? "")
            try fillValueInfo(v, vi, what: label)
            graph.inputs.append(v)
            scope.define(v)
        }
        for t in messages(p.n_initializer, p.initializer) {
            let tensor = try self.tensor(t, what: label)
            let name = tensor.name ?? ""
            let v: Value
            if let existing = scope.lookup(name), graph.inputs.contains(where: { $0 === existing }), !existing.isInitializer {
                v = existing
            } else {
                v = Value(name: name); scope.define(v)
            }
            v.initializer = tensor
            graph.initializers.append(v)
        }
        for s in messages(p.n_sparse_initializer, p.sparse_initializer) {
            let sparse = try sparseTensor(s, what: label)
            let name = sparse.name ?? ""
            let v: Value
            if let existing = scope.lookup(name), graph.inputs.contains(where: { $0 === existing }), !existing.isInitializer {
                v = existing
            } else {
                v = Value(name: name); scope.define(v)
            }
            v.sparseInitializer = sparse
            graph.sparseInitializers.append(v)
        }
        try nodes(p.n_node, p.node, into: graph, scope: scope, what: label)
        for vi in messages(p.n_output, p.output) {
            let name = try optString(vi.pointee.has_name, vi.pointee.name, "\(label) output name") ?? ""
            let v = scope.resolve(name, in: graph)
            try fillValueInfo(v, vi, what: label)
            graph.outputs.append(v)
        }
        graph.valueInfo = try messages(p.n_value_info, p.value_info).map { try valueInfo($0, scope: scope, graph: graph, what: label) }
        graph.quantizationAnnotations = try messages(p.n_quantization_annotation, p.quantization_annotation).map { a in
            var ann = TensorAnnotation(tensorName: try optString(a.pointee.has_tensor_name, a.pointee.tensor_name, "\(label) quantization_annotation"),
                                       quantParameterTensorNames: try entries(a.pointee.n_quant_parameter_tensor_names, a.pointee.quant_parameter_tensor_names, "\(label) quantization_annotation"))
            ann.unknownFields = unknown(a.pointee.base)
            return ann
        }
        graph.metadataProps = try entries(p.n_metadata_props, p.metadata_props, "\(label) metadata_props")
        graph.unknownFields = unknown(p.base)
        return graph
    }

    func valueInfo(_ vi: UnsafeMutablePointer<Onnx__ValueInfoProto>, scope: Scope, graph: Graph, what: String) throws -> Value {
        let name = try optString(vi.pointee.has_name, vi.pointee.name, "\(what) value_info name") ?? ""
        let v = scope.resolve(name, in: graph)
        try fillValueInfo(v, vi, what: what)
        return v
    }

    func fillValueInfo(_ v: Value, _ vi: UnsafeMutablePointer<Onnx__ValueInfoProto>, what: String) throws {
        let p = vi.pointee
        v.type = try p.type.map { try typeInfo($0, depth: 0) }
        v.docString = try optString(p.has_doc_string, p.doc_string, "\(what) value '\(v.name)' doc_string")
        v.metadataProps = try entries(p.n_metadata_props, p.metadata_props, "\(what) value '\(v.name)' metadata_props")
        v.valueInfoUnknownFields = unknown(p.base)
    }

    /// Decodes the nodes of a graph or function body: all outputs are defined first, so inputs
    /// resolve even if the file's node order is not topological.
    func nodes(_ n: Int, _ list: UnsafeMutablePointer<UnsafeMutablePointer<Onnx__NodeProto>?>?, into graph: Graph,
               scope: Scope, what: String) throws {
        let cnodes = messages(n, list)
        var built: [(Node, UnsafeMutablePointer<Onnx__NodeProto>)] = []
        built.reserveCapacity(cnodes.count)
        for c in cnodes {
            let p = c.pointee
            let node = Node(opType: try optString(p.has_op_type, p.op_type, "\(what) node op_type") ?? "")
            node.name = try optString(p.has_name, p.name, "\(what) node name")
            node.domain = try optString(p.has_domain, p.domain, "\(what) node domain")
            node.overload = try optString(p.has_overload, p.overload, "\(what) node overload")
            node.docString = try optString(p.has_doc_string, p.doc_string, "\(what) node doc_string")
            for o in try strings(p.n_output, p.output, "\(what) node output") {
                if !o.isEmpty { try checkSingleAssignment(o, by: node, scope: scope, what: what) }
                let v = Value(name: o)
                node.appendOutput(v)
                if !o.isEmpty { scope.define(v) }
            }
            built.append((node, c))
        }
        for (node, c) in built {
            let p = c.pointee
            for name in try strings(p.n_input, p.input, "\(what) node input") {
                node.appendInput(name.isEmpty ? nil : scope.resolve(name, in: graph))
            }
            let nodeLabel = "\(what) node \(node.label)"
            node.attributes = try messages(p.n_attribute, p.attribute).map { try attribute($0, scope: scope, what: nodeLabel) }
            node.metadataProps = try entries(p.n_metadata_props, p.metadata_props, "\(nodeLabel) metadata_props")
            node.deviceConfigurations = messages(p.n_device_configurations, p.device_configurations).map { opaque($0) }
            node.unknownFields = unknown(p.base)
            graph.append(node)
        }
    }

    /// Refuses a node output `name` that is already defined, as `onnx.checker` does ("Graph must
    /// be in single static assignment (SSA) form"): by another node of the same graph (or twice
    /// by `node`), or as an input or initializer of this graph or of an enclosing graph. A
    /// subgraph node output that repeats an outer node's output is left alone: the checker's
    /// verdict there depends on node order.
    /// - Throws: `ONNXError.invalidModel` naming the tensor and both definitions.
    func checkSingleAssignment(_ name: String, by node: Node, scope: Scope, what: String) throws {
        guard let existing = scope.lookup(name) else { return }
        let nodeLabel = node.name.map { "'\($0)'" } ?? "(unnamed)"
        if let other = existing.producer {
            guard scope.definesLocally(existing) else { return }
            let otherLabel = other.name.map { "'\($0)'" } ?? "(unnamed)"
            if other === node {
                throw fail("\(what): tensor '\(name)' is listed twice among the outputs of node \(nodeLabel) (\(node.opType)); a graph must be in single static assignment form")
            }
            throw fail("\(what): tensor '\(name)' is produced by two nodes, \(otherLabel) (\(other.opType)) and \(nodeLabel) (\(node.opType)); a graph must be in single static assignment form")
        }
        let kind = existing.isInitializer ? "an initializer" : "a graph input"
        let whose = scope.definesLocally(existing) ? "" : " of an enclosing graph"
        throw fail("\(what): output '\(name)' of node \(nodeLabel) (\(node.opType)) has the name of \(kind)\(whose); a graph must be in single static assignment form")
    }

    func attribute(_ a: UnsafeMutablePointer<Onnx__AttributeProto>, scope: Scope?, what: String) throws -> Attribute {
        let p = a.pointee
        let name = try optString(p.has_name, p.name, "\(what) attribute name")
        let label = "\(what) attribute '\(name ?? "")'"
        let type: AttributeType? = p.has_type != 0 ? AttributeType(rawValue: Int32(bitPattern: p.type.rawValue)) : nil
        func sub(_ g: UnsafeMutablePointer<Onnx__GraphProto>) throws -> Graph { try graph(g, parent: scope, what: label) }
        let value: AttributeValue
        switch type?.rawValue ?? inferType(p) {
        case 1: value = p.has_f != 0 ? .float(p.f) : .none
        case 2: value = p.has_i != 0 ? .int(p.i) : .none
        case 3: value = p.has_s != 0 ? .string(bytes(p.s)) : .none
        case 4: value = try p.t.map { .tensor(try tensor($0, what: label)) } ?? .none
        case 5: value = try p.g.map { .graph(try sub($0)) } ?? .none
        case 11: value = try p.sparse_tensor.map { .sparseTensor(try sparseTensor($0, what: label)) } ?? .none
        case 13: value = try p.tp.map { .typeProto(try typeInfo($0, depth: 0)) } ?? .none
        case 6: value = .floats(array(p.n_floats, p.floats))
        case 7: value = .ints(array(p.n_ints, p.ints))
        case 8: value = .strings(array(p.n_strings, p.strings).map(bytes))
        case 9: value = .tensors(try messages(p.n_tensors, p.tensors).map { try tensor($0, what: label) })
        case 10: value = .graphs(try messages(p.n_graphs, p.graphs).map(sub))
        case 12: value = .sparseTensors(try messages(p.n_sparse_tensors, p.sparse_tensors).map { try sparseTensor($0, what: label) })
        case 14: value = .typeProtos(try messages(p.n_type_protos, p.type_protos).map { try typeInfo($0, depth: 0) })
        default: value = .none
        }
        var attr = Attribute(name: name, value: value, type: nil,
                             refAttributeName: try optString(p.has_ref_attr_name, p.ref_attr_name, "\(label) ref_attr_name"),
                             docString: try optString(p.has_doc_string, p.doc_string, "\(label) doc_string"))
        attr.type = type
        attr.unknownFields = unknown(p.base)
        return attr
    }

    /// The attribute type implied by which field is set, for files that omit `type` (as onnx's
    /// helper does when reading IR version 1 files).
    private func inferType(_ p: Onnx__AttributeProto) -> Int32 {
        if p.has_f != 0 { return 1 }
        if p.has_i != 0 { return 2 }
        if p.has_s != 0 { return 3 }
        if p.t != nil { return 4 }
        if p.g != nil { return 5 }
        if p.sparse_tensor != nil { return 11 }
        if p.tp != nil { return 13 }
        if p.n_floats > 0 { return 6 }
        if p.n_ints > 0 { return 7 }
        if p.n_strings > 0 { return 8 }
        if p.n_tensors > 0 { return 9 }
        if p.n_graphs > 0 { return 10 }
        if p.n_sparse_tensors > 0 { return 12 }
        if p.n_type_protos > 0 { return 14 }
        return 0
    }
}
