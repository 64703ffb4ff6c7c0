import AbridgeIR
import AbridgeRuntime

/// Replaces a sparse initializer read as the weight (input 1) of Conv, ConvTranspose, Gemm or
/// MatMul with the equal dense initializer of the same name (zeros written out, ONNX IR.md
/// "Sparse initializers"), so weight rewrites such as quantization see an ordinary tensor.
/// The zeros survive: symmetric int8 quantization maps 0 to 0, so a pruned weight stays sparse in
/// value. Only FLOAT sparse initializers read by nothing but such weight inputs are converted.
public struct DensifySparseWeightsPass: GraphPass {
    public let name = "densify-sparse-weights"
    public init() {}

    static let computeOps: Set<String> = ["Conv", "ConvTranspose", "Gemm", "MatMul"]

    public func run(on model: Model) throws -> Bool {
        var changed = false
        for graph in model.allGraphs {
            for v in graph.sparseInitializers {
                guard let s = v.sparseInitializer, s.values?.elementType == .float, !v.uses.isEmpty,
                      v.uses.allSatisfy({ u in
                          guard let n = u.node else { return false }
                          return u.inputIndex == 1 && n.normalizedDomain.isEmpty && Self.computeOps.contains(n.opType)
                      }) else { continue }
                let dense: RuntimeTensor
                do { dense = try TensorConversion.densify(s) } catch {
                    throw PassError.invalidModel("sparse initializer '\(v.name)': \(error)")
                }
                v.initializer = TensorConversion.tensor(from: dense, name: v.name)
                v.sparseInitializer = nil
                graph.sparseInitializers.removeAll { $0 === v }
                graph.initializers.append(v)
                changed = true
            }
        }
        return changed
    }
}
