/// Elementwise operators: registration (one file per operator beside this one).
enum ElementwiseOperators {
    static func register(_ r: OperatorRegistry) {
        r.register("Add", since: AddOp.sinceVersions, AddOp.make)
        r.register("Sub", since: SubOp.sinceVersions, SubOp.make)
        r.register("Mul", since: MulOp.sinceVersions, MulOp.make)
        r.register("Div", since: DivOp.sinceVersions, DivOp.make)
        r.register("Mod", since: ModOp.sinceVersions, ModOp.make)
        r.register("Pow", since: PowOp.sinceVersions, PowOp.make)
        r.register("Cast", since: CastOp.sinceVersions, CastOp.make)
        r.register("CastLike", since: CastLikeOp.sinceVersions, CastLikeOp.make)
    }
}
