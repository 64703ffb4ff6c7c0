/// The built-in operator families. Each family registers its kernels in its own file
/// (`Operators/<Family>/<Family>Operators.swift`), one file per operator beside it.
enum StandardOperators {
    static var families: [(OperatorRegistry) -> Void] { [
        ControlFlowOperators.register,
        ElementwiseOperators.register,
        ReductionOperators.register,
        TensorOperators.register,
        SequenceOperators.register,
        NeuralNetworkOperators.register,
        ActivationOperators.register,
        NormalizationOperators.register,
        QuantizationOperators.register,
        ImageOperators.register,
    ] }
}
