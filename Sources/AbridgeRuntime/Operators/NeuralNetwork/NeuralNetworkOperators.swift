/// NeuralNetwork operators: registration (one file per operator beside this one).
enum NeuralNetworkOperators {
    static func register(_ r: OperatorRegistry) {
        r.register("MatMul", since: MatMul.sinceVersions) { MatMul($0) }
        r.register("Gemm", since: Gemm.sinceVersions) { try Gemm($0) }
        r.register("Conv", since: Conv.sinceVersions) { try Conv($0) }
        r.register("ConvTranspose", since: ConvTranspose.sinceVersions) { try ConvTranspose($0) }
        r.register("MaxPool", since: MaxPool.sinceVersions) { try MaxPool($0) }
        r.register("AveragePool", since: AveragePool.sinceVersions) { try AveragePool($0) }
        r.register("LpPool", since: LpPool.sinceVersions) { try LpPool($0) }
        r.register("GlobalAveragePool", since: GlobalAveragePool.sinceVersions, GlobalAveragePool.make)
        r.register("GlobalMaxPool", since: GlobalMaxPool.sinceVersions, GlobalMaxPool.make)
        r.register("GlobalLpPool", since: GlobalLpPool.sinceVersions, GlobalLpPool.make)
        r.register("Dropout", since: Dropout.sinceVersions) { Dropout($0) }
        r.register("Einsum", since: Einsum.sinceVersions) { try Einsum($0) }
    }
}
