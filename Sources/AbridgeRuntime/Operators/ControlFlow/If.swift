/// `If` (onnx.ai/onnx/operators/onnx__If.html): runs `then_branch` or `else_branch` depending
/// on the single boolean element of `cond`; branches read values of the enclosing graph.
struct IfKernel: OperatorKernel {
    let thenPlan: GraphPlan
    let elsePlan: GraphPlan

    init(context: KernelBuildContext) throws {
        thenPlan = try context.planSubgraph(try context.attributes.graph("then_branch"))
        elsePlan = try context.planSubgraph(try context.attributes.graph("else_branch"))
    }

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let cond = try inputs.tensor(0, "cond")
        guard cond.count == 1 else { throw RuntimeError.invalidInput(node: "", reason: "cond must hold one element, has \(cond.count)") }
        let flag = try cond.int64Values()[0] != 0
        return try context.run(flag ? thenPlan : elsePlan, inputs: []).map { $0 }
    }
}
