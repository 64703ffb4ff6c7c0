import Foundation
import AbridgeIR
import AbridgeRuntime

/// A float initializer being trained, with its Adam moments and its keep-zeros mask.
final class TrainableParameter {
    let value: Value
    var tensor: TrainingTensor
    /// Elements held at 0 (`keepZeros`), or empty.
    let frozen: [Bool]
    private var m: [Float], v: [Float]

    init(value: Value, tensor: TrainingTensor, keepZeros: Bool) {
        self.value = value
        self.tensor = tensor
        frozen = keepZeros && tensor.data.contains(0) ? tensor.data.map { $0 == 0 } : []
        m = [Float](repeating: 0, count: tensor.count)
        v = m
    }

    /// Elements that training may change.
    var trainableCount: Int { frozen.isEmpty ? tensor.count : frozen.reduce(0) { $0 + ($1 ? 0 : 1) } }

    /// One Adam step (Kingma & Ba 2015, Algorithm 1) at step `t` ≥ 1:
    /// `m ← β1·m + (1 − β1)·g`, `v ← β2·v + (1 − β2)·g²`, `θ ← θ − α·m̂/(√v̂ + ε)` with
    /// `m̂ = m/(1 − β1ᵗ)`, `v̂ = v/(1 − β2ᵗ)`. Frozen elements keep their value.
    func adamStep(gradient g: [Float], t: Int, options o: DistillationOptions) {
        let c1 = 1 - Float(pow(Double(o.beta1), Double(t))), c2 = 1 - Float(pow(Double(o.beta2), Double(t)))
        let lr = o.learningRate
        for i in 0..<tensor.count {
            if !frozen.isEmpty && frozen[i] { continue }
            m[i] = o.beta1 * m[i] + (1 - o.beta1) * g[i]
            v[i] = o.beta2 * v[i] + (1 - o.beta2) * g[i] * g[i]
            tensor.data[i] -= lr * (m[i] / c1) / ((v[i] / c2).squareRoot() + o.epsilon)
        }
    }

    /// Stores the trained elements as the value's initializer (same name, dims, FLOAT).
    func writeBack() {
        let old = value.initializer
        let dims = old?.dims.map { Int($0) } ?? tensor.shape
        let t = TensorConversion.tensor(from: RuntimeTensor(floats: tensor.data, shape: dims), name: old?.name ?? value.name)
        t.docString = old?.docString
        if let meta = old?.metadataProps { t.metadataProps = meta }
        value.initializer = t
    }
}
