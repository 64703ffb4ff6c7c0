import AbridgeIR
import AbridgePasses

/// The pre-processing both quantizers run: a float16 model is computed in float32 with Casts
/// at its float16 interface (`UpcastFloat16Pass`), then the default passes (`PassManager.all`,
/// shape inference first). The types the passes infer guide the rewrite, but the written file
/// keeps only the `value_info` entries the input had: `run` returns a closure that drops the
/// others, to call when the quantizer is done.
enum PreQuantization {
    /// - Returns: the names of the passes that changed the model, and the `value_info` restore.
    /// - Throws: `PassError` from a pass.
    static func run(_ model: Model) throws -> (applied: [String], restoreValueInfo: () -> Void) {
        let declared = model.allGraphs.map { g in (g, Set(g.valueInfo.map(ObjectIdentifier.init))) }
        let restore = { for (g, keep) in declared { g.valueInfo.removeAll { !keep.contains(ObjectIdentifier($0)) } } }
        do {
            let upcast = try UpcastFloat16Pass().run(on: model)
            return ((upcast ? ["upcast-float16"] : []) + (try PassManager.run(PassManager.all, on: model)), restore)
        } catch {
            restore()
            throw error
        }
    }
}
