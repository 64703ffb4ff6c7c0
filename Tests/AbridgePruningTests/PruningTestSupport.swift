import AbridgeIR
import AbridgeRuntime

/// Builds small models by hand for the pruning tests.
final class GraphBuilder {
    let graph = Graph(name: "test")

    func input(_ name: String, _ dims: [Int64]) -> Value {
        let v = Value(name: name, type: .tensor(.float, shape: Shape(dims)))
        graph.inputs.append(v)
        return v
    }

    func constant(_ name: String, _ values: [Float], _ dims: [Int]) -> Value {
        let v = Value(name: name)
        v.initializer = TensorConversion.tensor(from: RuntimeTensor(floats: values, shape: dims), name: name)
        graph.initializers.append(v)
        return v
    }

    @discardableResult
    func node(_ op: String, _ name: String, _ inputs: [Value?], attributes: [Attribute] = []) -> Value {
        let n = Node(opType: op, name: name, inputs: inputs, outputs: [name + "_out"], attributes: attributes)
        graph.append(n)
        return n.outputs[0]
    }

    func model(output: Value) -> Model {
        graph.outputs = [output]
        return Model(irVersion: 8, opsetImports: [OperatorSetId(domain: "", version: 17)], graph: graph)
    }
}

/// Deterministic pseudo-random floats in [-1, 1) (a 32-bit LCG).
func pseudoRandom(_ n: Int, seed: UInt32) -> [Float] {
    var s = seed
    return (0..<n).map { _ in
        s = s &* 1664525 &+ 1013904223
        return Float(s >> 8) / Float(1 << 23) - 1
    }
}

func dims(_ v: Value?) -> [Int64] { v?.initializer?.dims ?? [] }

func floats(_ v: Value?) throws -> [Float] {
    guard let t = v?.initializer else { return [] }
    return try TensorConversion.runtimeTensor(from: t).floatValues()
}

func run(_ m: Model, _ feed: [String: RuntimeTensor]) throws -> [Float] {
    let s = try InferenceSession(model: m)
    let out = try s.run(feed.mapValues { .tensor($0) })
    return out.first?.value.tensor?.elements(as: Float.self) ?? []
}

import AbridgeData
import Foundation

/// Calibration data written to a temporary `.npz` and opened as a `DataSet`.
enum CalibrationFixture {
    static func dataSet(name: String, values: [Float], shape: [Int]) throws -> DataSet {
        let bytes = values.withUnsafeBytes { Array($0) }
        let array = try NumPyArray(dtype: .float32, shape: shape, data: bytes)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("abridge-prune-\(UUID().uuidString).npz")
        try NPZWriter.write([name: array], to: url)
        let input = Value(name: name, type: .tensor(.float, shape: Shape([-1] + shape.dropFirst().map { Int64($0) })))
        return try DataSet(path: url.path, inputs: [input])
    }
}
