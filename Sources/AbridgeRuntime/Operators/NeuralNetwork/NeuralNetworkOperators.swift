/// NeuralNetwork operators: registration (one file per operator beside this one).
enum NeuralNetworkOperators {
    static func register(_ r: OperatorRegistry) {
    }
}
