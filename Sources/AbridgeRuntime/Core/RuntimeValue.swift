/// A value during execution: a tensor, a sequence of tensors, an optional, or a map.
public enum RuntimeValue {
    case tensor(RuntimeTensor)
    case sequence([RuntimeTensor])
    /// An optional holding a value or nothing (`None`).
    indirect case optional(RuntimeValue?)

    /// The tensor, when this is a tensor.
    public var tensor: RuntimeTensor? { if case .tensor(let t) = self { return t }; return nil }
}
