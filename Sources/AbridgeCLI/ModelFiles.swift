import AbridgeIR
import AbridgeONNX
import AbridgeSupport
import Foundation

/// The files a model occupies (its `.onnx` and the external data files its tensors name), and
/// the write options of a command that derives one model from another.
enum ModelFiles {
    /// The `location`s of the external data files `model`'s tensors name, sorted.
    static func externalDataLocations(of model: Model) -> [String] {
        var locations = Set<String>()
        model.forEachTensor { t in
            if t.usesExternalData, let loc = t.externalData.last(where: { $0.key == "location" })?.value { locations.insert(loc) }
        }
        return locations.sorted()
    }

    /// The external data files `model` (read from `path`) names, as paths.
    static func externalDataFiles(of model: Model, at path: String) -> [String] {
        let dir = AtomicFile.directory(of: path)
        return externalDataLocations(of: model).map { "\(dir)/\($0)" }
    }

    /// Bytes of the model file plus its external data files (files that cannot be read count 0).
    static func totalBytes(of model: Model, at path: String) -> Int {
        ([path] + externalDataFiles(of: model, at: path)).reduce(0) { sum, file in
            sum + ((try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0)
        }
    }

    /// Write options for an output derived from an input model: a model that kept its tensors in
    /// external data gets an external data file again (`<output>.data`, tensors of 1 KiB and
    /// more), so a large model does not silently become one large protobuf.
    static func derivedWriteOptions(inputUsesExternalData: Bool, force: Bool) -> WriteOptions {
        var w = WriteOptions()
        w.overwrite = force
        if inputUsesExternalData { w.externalData = .always }
        return w
    }

    /// The external data file the writer would create for `output` (`<output>.data` beside it).
    static func defaultDataFile(for output: String) -> String {
        "\(AtomicFile.directory(of: output))/\((output.split(separator: "/").last.map(String.init) ?? output) + ".data")"
    }

    static func usesExternalData(_ model: Model) -> Bool { !externalDataLocations(of: model).isEmpty }
}
