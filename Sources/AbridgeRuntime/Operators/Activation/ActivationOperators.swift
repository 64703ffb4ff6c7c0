/// Activation operators: registration (one file per operator beside this one).
enum ActivationOperators {
    static func register(_ r: OperatorRegistry) {
        r.register("Relu", since: Relu.sinceVersions, Relu.make)
        r.register("LeakyRelu", since: LeakyRelu.sinceVersions, LeakyRelu.make)
        r.register("PRelu", since: PRelu.sinceVersions, PRelu.make)
        r.register("Sigmoid", since: Sigmoid.sinceVersions, Sigmoid.make)
        r.register("HardSigmoid", since: HardSigmoid.sinceVersions, HardSigmoid.make)
        r.register("HardSwish", since: HardSwish.sinceVersions, HardSwish.make)
        r.register("Tanh", since: Tanh.sinceVersions, Tanh.make)
        r.register("Elu", since: Elu.sinceVersions, Elu.make)
        r.register("Selu", since: Selu.sinceVersions, Selu.make)
        r.register("Celu", since: Celu.sinceVersions, Celu.make)
        r.register("Gelu", since: Gelu.sinceVersions, Gelu.make)
        r.register("Softplus", since: Softplus.sinceVersions, Softplus.make)
        r.register("Softsign", since: Softsign.sinceVersions, Softsign.make)
        r.register("Mish", since: Mish.sinceVersions, Mish.make)
        r.register("ThresholdedRelu", since: ThresholdedRelu.sinceVersions, ThresholdedRelu.make)
        r.register("Swish", since: Swish.sinceVersions, Swish.make)
        r.register("Clip", since: Clip.sinceVersions, Clip.make)
        r.register("Softmax", since: Softmax.sinceVersions, Softmax.make)
        r.register("LogSoftmax", since: LogSoftmax.sinceVersions, LogSoftmax.make)
        r.register("Hardmax", since: Hardmax.sinceVersions, Hardmax.make)
    }
}
