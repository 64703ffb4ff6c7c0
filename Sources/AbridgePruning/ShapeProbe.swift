import AbridgeIR
import AbridgeRuntime

/// Runs a model once on one sample and records the shape of every tensor a node computes (and
/// of the feeds), to count multiply-accumulates from real output sizes.
final class ShapeProbe: ExecutionObserver {
    private(set) var shapes: [ObjectIdentifier: [Int]] = [:]

    func observe(_ value: Value, result: RuntimeValue, node: Node) {
        if let t = result.tensor { shapes[ObjectIdentifier(value)] = t.shape }
    }

    /// A feed of zeros built from the declared input types (symbolic dimensions set to 1).
    /// - Throws: `PruningError.invalidModel` when an input has no tensor type.
    static func zeroFeed(_ inputs: [Value]) throws -> [String: RuntimeValue] {
        var feed: [String: RuntimeValue] = [:]
        for v in inputs {
            guard let type = v.type?.tensorElementType, let shape = v.type?.tensorShape else {
                throw PruningError.invalidModel("input '\(v.name)' has no declared tensor type and shape")
            }
            let dims = shape.dims.map { d -> Int in if case .value(let n)? = d.value { return Int(n) }; return 1 }
            let t = try RuntimeTensor.allocate(type, dims)
            memsetZero(t)
            feed[v.name] = .tensor(t)
        }
        return feed
    }

    private static func memsetZero(_ t: RuntimeTensor) {
        t.storage.base.initializeMemory(as: UInt8.self, repeating: 0, count: t.storage.byteCount)
    }

    /// The positions per sample at which each weight of a layer is used once, so that its
    /// multiply-accumulates are positions × weights (dense or non-zero): Conv, output H·W
    /// (`H'W' · M · C/group · kH·kW`); ConvTranspose, input H·W (every input element meets each
    /// of its `M/group · kH·kW` weights: `HW · C · M/group · kH·kW`); Gemm/MatMul, output rows.
    static func positions(of layer: PrunableLayer, shapes: [ObjectIdentifier: [Int]]) -> Int? {
        let node = layer.node
        switch layer.kind {
        case .conv:
            guard let y = shapes[ObjectIdentifier(node.outputs[0])], y.count >= 3 else { return nil }
            return y.dropFirst(2).reduce(1, *)
        case .convTranspose:
            guard let x0 = node.inputs[0], let x = shapes[ObjectIdentifier(x0)], x.count >= 3 else { return nil }
            return x.dropFirst(2).reduce(1, *)
        case .gemm, .matMul:
            guard let y = shapes[ObjectIdentifier(node.outputs[0])], let n = y.last, n > 0 else { return nil }
            let batch = y.count >= 2 ? Swift.max(y[0], 1) : 1
            return y.reduce(1, *) / n / batch
        }
    }
}
