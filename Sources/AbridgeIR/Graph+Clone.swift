/// Deep copies of graphs.
extension Graph {
    /// A deep copy of this graph: new nodes and values (initializer tensors are shared, being
    /// immutable in practice), subgraphs copied too. Values of enclosing graphs that this graph
    /// reads are looked up in `outer` (defaulting to themselves).
    /// - Parameter transformAttribute: applied to every attribute of every copied node (in
    ///   subgraphs too); return nil to drop the attribute. Used to bind function attributes.
    public func clone(outer: [ObjectIdentifier: Value] = [:],
                      transformAttribute: (Attribute) throws -> Attribute? = { $0 }) rethrows -> Graph {
        var map = outer
        func copy(_ v: Value) -> Value {
            let c = Value(name: v.name, type: v.type)
            c.docString = v.docString; c.metadataProps = v.metadataProps; c.valueInfoUnknownFields = v.valueInfoUnknownFields
            c.initializer = v.initializer; c.sparseInitializer = v.sparseInitializer
            return c
        }
        func mapped(_ v: Value) -> Value {
            if let m = map[ObjectIdentifier(v)] { return m }
            return v
        }
        let g = Graph(name: name)
        g.docString = docString; g.metadataProps = metadataProps; g.unknownFields = unknownFields
        g.quantizationAnnotations = quantizationAnnotations
        for v in inputs { let c = copy(v); map[ObjectIdentifier(v)] = c; g.inputs.append(c) }
        for v in initializers {
            if let c = map[ObjectIdentifier(v)], g.inputs.contains(where: { $0 === c }) { g.initializers.append(c); continue }
            let c = copy(v); map[ObjectIdentifier(v)] = c; g.initializers.append(c)
        }
        for v in sparseInitializers {
            if let c = map[ObjectIdentifier(v)], g.inputs.contains(where: { $0 === c }) { g.sparseInitializers.append(c); continue }
            let c = copy(v); map[ObjectIdentifier(v)] = c; g.sparseInitializers.append(c)
        }
        var copies: [(Node, Node)] = []
        for n in nodes {
            let c = Node(opType: n.opType, domain: n.domain, name: n.name)
            c.overload = n.overload; c.docString = n.docString; c.metadataProps = n.metadataProps
            c.deviceConfigurations = n.deviceConfigurations; c.unknownFields = n.unknownFields
            for o in n.outputs { let oc = copy(o); map[ObjectIdentifier(o)] = oc; c.appendOutput(oc) }
            copies.append((n, c))
        }
        for (n, c) in copies {
            for v in n.inputs { c.appendInput(v.map(mapped)) }
            var attrs: [Attribute] = []
            for a in n.attributes {
                guard var t = try transformAttribute(a) else { continue }
                switch t.value {
                case .graph(let sub): t.value = .graph(try sub.clone(outer: map, transformAttribute: transformAttribute))
                case .graphs(let subs): t.value = .graphs(try subs.map { try $0.clone(outer: map, transformAttribute: transformAttribute) })
                default: break
                }
                attrs.append(t)
            }
            c.attributes = attrs
            g.append(c)
        }
        g.outputs = outputs.map(mapped)
        g.valueInfo = valueInfo.map(mapped)
        return g
    }
}
