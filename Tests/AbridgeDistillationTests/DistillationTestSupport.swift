import AbridgeIR
import AbridgeRuntime
import Foundation
import Testing
@testable import AbridgeDistillation

/// Builds small models by hand for the distillation tests.
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

    func int64s(_ name: String, _ values: [Int64]) -> Value {
        let v = Value(name: name)
        v.initializer = TensorConversion.tensor(from: RuntimeTensor(int64s: values, shape: [values.count]), name: name)
        graph.initializers.append(v)
        return v
    }

    /// A constant of pseudo-random values in [-1, 1).
    func random(_ name: String, _ dims: [Int], seed: UInt32) -> Value {
        constant(name, pseudoRandom(dims.reduce(1, *), seed: seed), dims)
    }

    @discardableResult
    func node(_ op: String, _ name: String, _ inputs: [Value?], _ attributes: [Attribute] = []) -> Value {
        let n = Node(opType: op, name: name, inputs: inputs, outputs: [name + "_out"], attributes: attributes)
        graph.append(n)
        return n.outputs[0]
    }

    func model(output: Value) -> Model {
        graph.outputs = [output]
        return Model(irVersion: 8, opsetImports: [OperatorSetId(domain: "", version: 17)], graph: graph)
    }
}

func ints(_ name: String, _ v: [Int64]) -> Attribute { Attribute(name: name, value: .ints(v)) }
func int(_ name: String, _ v: Int64) -> Attribute { Attribute(name: name, value: .int(v)) }
func float(_ name: String, _ v: Float) -> Attribute { Attribute(name: name, value: .float(v)) }
func string(_ name: String, _ v: String) -> Attribute { Attribute(name: name, value: .string(Array(v.utf8))) }

/// Deterministic pseudo-random floats in [-1, 1) (a 32-bit LCG).
func pseudoRandom(_ n: Int, seed: UInt32) -> [Float] {
    var s = seed
    return (0..<n).map { _ in
        s = s &* 1664525 &+ 1013904223
        return Float(s >> 8) / Float(1 << 23) - 1
    }
}

enum GradientCheck {
    /// Checks the engine on `model` with feeds `inputs`:
    /// 1. its forward output equals the runtime's (`InferenceSession`, conformance-tested) within 1e-4;
    /// 2. the analytic gradient of `L = Σ r·y` (r pseudo-random) with respect to every trained
    ///    parameter element equals the central finite difference `(L(θ+h) − L(θ−h))/2h`, with L
    ///    summed in Double: |analytic − fd| ≤ tolerance·(1 + |fd|). Measured worst over these tests:
    ///    3e-5 (float32 rounding of L divided by 2h); 1e-3 leaves margin and still fails a
    ///    gradient scaled by 0.99. Measured worst: 3e-5 with h 1e-2
///    (float32 rounding of L over ~100 terms is ~1e-7, so the finite difference carries ~1e-5 noise);
///    1e-3 leaves margin and still fails a gradient off by 0.5%.
    /// Returns the number of parameters checked.
    @discardableResult
    static func check(_ model: Model, _ inputs: [String: (shape: [Int], data: [Float])], h: Float = 1e-2,
                      tolerance: Double = 1e-3, sourceLocation: SourceLocation = #_sourceLocation) throws -> Int {
        let graph = try TrainingGraph(model: model, feedNames: Set(inputs.keys), keepZeros: false)
        let feeds = inputs.mapValues { TrainingTensor(shape: $0.shape, data: $0.data) }
        let values = try graph.forward(feeds)
        let (_, slot) = try #require(graph.matched.first, sourceLocation: sourceLocation)
        let y = try #require(values[slot], sourceLocation: sourceLocation)

        let session = try InferenceSession(model: model)
        let reference = try session.run(inputs.mapValues { .tensor(RuntimeTensor(floats: $0.data, shape: $0.shape)) })
        let expected = try #require(reference.first?.value.tensor, sourceLocation: sourceLocation)
        #expect(expected.shape == y.shape, sourceLocation: sourceLocation)
        let ref = expected.elements(as: Float.self)
        let forwardError = zip(ref, y.data).map { abs($0 - $1) }.max() ?? 0
        #expect(forwardError <= 1e-4, "forward differs from the runtime by \(forwardError)", sourceLocation: sourceLocation)

        let r = pseudoRandom(y.count, seed: 99)
        func loss() throws -> Double {
            let v = try graph.forward(feeds)
            let out = v[slot]?.data ?? []
            return zip(out, r).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }
        let gradients = try graph.backward(values, seeds: [slot: TrainingTensor(shape: y.shape, data: r)])
        #expect(!graph.parameters.isEmpty, sourceLocation: sourceLocation)
        for (p, g) in zip(graph.parameters, gradients) {
            var worst = 0.0
            for i in p.tensor.data.indices {
                let original = p.tensor.data[i]
                p.tensor.data[i] = original + h
                let plus = try loss()
                p.tensor.data[i] = original - h
                let minus = try loss()
                p.tensor.data[i] = original
                let fd = (plus - minus) / (2 * Double(h))
                worst = max(worst, abs(Double(g[i]) - fd) / (1 + abs(fd)))
            }
            #expect(worst <= tolerance, "parameter '\(p.value.name)': worst relative gradient error \(worst)",
                    sourceLocation: sourceLocation)
        }
        return graph.parameters.count
    }
}
