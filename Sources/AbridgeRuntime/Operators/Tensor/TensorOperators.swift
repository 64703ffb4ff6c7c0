/// Tensor operators: registration (one file per operator beside this one).
enum TensorOperators {
    static func register(_ r: OperatorRegistry) {
        r.register("Constant", since: ConstantOp.sinceVersions, ConstantOp.make)
        r.register("ConstantOfShape", since: ConstantOfShapeOp.sinceVersions, ConstantOfShapeOp.make)
        r.register("Shape", since: ShapeOp.sinceVersions, ShapeOp.make)
        r.register("Size", since: SizeOp.sinceVersions, SizeOp.make)
        r.register("Reshape", since: ReshapeOp.sinceVersions, ReshapeOp.make)
        r.register("Flatten", since: FlattenOp.sinceVersions, FlattenOp.make)
        r.register("Squeeze", since: SqueezeOp.sinceVersions, SqueezeOp.make)
        r.register("Unsqueeze", since: UnsqueezeOp.sinceVersions, UnsqueezeOp.make)
        r.register("Transpose", since: TransposeOp.sinceVersions, TransposeOp.make)
        r.register("Concat", since: ConcatOp.sinceVersions, ConcatOp.make)
        r.register("Expand", since: ExpandOp.sinceVersions, ExpandOp.make)
        r.register("Slice", since: SliceOp.sinceVersions, SliceOp.make)
        r.register("Split", since: SplitOp.sinceVersions, SplitOp.make)
        r.register("Gather", since: GatherOp.sinceVersions, GatherOp.make)
        r.register("Tile", since: TileOp.sinceVersions, TileOp.make)
        r.register("Range", since: RangeOp.sinceVersions, RangeOp.make)
        r.register("Where", since: WhereOp.sinceVersions, WhereOp.make)
    }
}
