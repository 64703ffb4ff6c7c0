import AbridgeIR

/// `SequenceMap` (onnx.ai/onnx/operators/onnx__SequenceMap.html, since-version 17): runs `body`
/// once per element of `input_sequence`; each additional input is passed whole when it is a
/// tensor or element-wise (in lockstep) when it is a sequence of the same length. Every body
/// output is collected into an output sequence.
struct SequenceMapKernel: OperatorKernel {
    static let sinceVersions = [17]
    let body: GraphPlan

    init(context: KernelBuildContext) throws {
        body = try context.planSubgraph(try context.attributes.graph("body"))
    }

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let first = try SequenceInputs.sequence(inputs, 0, "SequenceMap")
        var outputs: [[RuntimeTensor]] = Array(repeating: [], count: body.outputs.count)
        for i in 0..<first.count {
            var args: [RuntimeValue?] = [.tensor(first[i])]
            for v in inputs.dropFirst() {
                switch v {
                case .sequence(let s)?:
                    guard s.count == first.count else { throw RuntimeError.invalidInput(node: "", reason: "SequenceMap: sequences differ in length") }
                    args.append(.tensor(s[i]))
                default: args.append(v)
                }
            }
            let results = try context.run(body, inputs: args)
            for (k, r) in results.enumerated() where k < outputs.count {
                guard let t = r.tensor else { throw RuntimeError.invalidInput(node: "", reason: "SequenceMap: body outputs must be tensors") }
                outputs[k].append(t)
            }
        }
        return outputs.map { .sequence($0) }
    }
}
