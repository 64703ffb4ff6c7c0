// swift-tools-version: 6.0
// Abridge: make ONNX models smaller and faster, and prove the result is still right.
// Layering (lower rows never import higher rows), see README "Architecture":
//   0 CProtobufC, COpenBLAS          system libraries (module maps only)
//   1 COnnxProto                     protoc-c output for schemas/*.proto (generated, committed)
//   0 CAbridgeSystem                 openat2 wrapper (Swift cannot call variadic syscall)
//   1 AbridgeSupport                 OS primitives: mapped files, atomic writes, checked arithmetic
//   2 AbridgeIR                      model/graph/node/value/tensor/attribute, types, verifier, topo sort
//   2 AbridgeKernels                 numeric kernels over typed buffers (no ONNX knowledge)
//   3 AbridgeONNX                    protobuf <-> IR, external data; the only importer of the C targets
//   3 AbridgeRuntime                 interpreter, operator registry, one file per op
//   4 AbridgeData                    .npy/.npz, TensorProto .pb test data, data sets -> runtime feeds
//   4 AbridgePasses                  graph rewrites (BatchNorm folding, dead code, identity removal)
//   4 AbridgeValidation              metrics and reports comparing an original and a converted model
//   5 AbridgeQuantization            calibration, quantization plans, QDQ rewriting
//   6 AbridgePruning                 magnitude, N:M and channel pruning, least-squares recovery, then distillation
//   5 AbridgeDistillation            knowledge distillation (function matching on mixup blends) by gradient descent
//   7 AbridgeCLI, abridge            commands
import PackageDescription

let package = Package(
    name: "Abridge",
    products: [
        .executable(name: "abridge", targets: ["abridge"]),
        .library(name: "AbridgeIR", targets: ["AbridgeIR"]),
        .library(name: "AbridgeONNX", targets: ["AbridgeONNX"]),
        .library(name: "AbridgeKernels", targets: ["AbridgeKernels"]),
        .library(name: "AbridgeData", targets: ["AbridgeData"]),
        .library(name: "AbridgeRuntime", targets: ["AbridgeRuntime"]),
        .library(name: "AbridgePasses", targets: ["AbridgePasses"]),
        .library(name: "AbridgeQuantization", targets: ["AbridgeQuantization"]),
        .library(name: "AbridgeValidation", targets: ["AbridgeValidation"]),
        .library(name: "AbridgePruning", targets: ["AbridgePruning"]),
        .library(name: "AbridgeDistillation", targets: ["AbridgeDistillation"]),
        .library(name: "AbridgeCLI", targets: ["AbridgeCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        .systemLibrary(name: "CProtobufC", pkgConfig: "libprotobuf-c", providers: [.apt(["libprotobuf-c-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .target(name: "COnnxProto", dependencies: ["CProtobufC"]),
        .target(name: "CAbridgeSystem"),
        .target(name: "AbridgeSupport", dependencies: ["CAbridgeSystem"]),
        .target(name: "AbridgeIR", dependencies: ["AbridgeSupport"]),
        .target(name: "AbridgeKernels", dependencies: ["COpenBLAS"]),
        .target(name: "AbridgeONNX", dependencies: ["AbridgeIR", "AbridgeSupport", "COnnxProto", "CProtobufC",
                                                    .product(name: "Logging", package: "swift-log")]),
        .target(name: "AbridgeData", dependencies: ["AbridgeIR", "AbridgeONNX", "AbridgeRuntime", "AbridgeSupport",
                                                    .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .target(name: "AbridgeRuntime", dependencies: ["AbridgeIR", "AbridgeKernels",
                                                       .product(name: "Logging", package: "swift-log")]),
        .target(name: "AbridgePasses", dependencies: ["AbridgeIR", "AbridgeRuntime", "AbridgeKernels",
                                                      .product(name: "Logging", package: "swift-log")]),
        .target(name: "AbridgeQuantization", dependencies: ["AbridgeIR", "AbridgeRuntime", "AbridgeKernels", "AbridgePasses",
                                                            "AbridgeData",
                                                            .product(name: "Logging", package: "swift-log")]),
        .target(name: "AbridgePruning", dependencies: ["AbridgeIR", "AbridgeRuntime", "AbridgeKernels", "AbridgePasses",
                                                       "AbridgeData", "AbridgeDistillation", .product(name: "Logging", package: "swift-log")]),
        .target(name: "AbridgeDistillation", dependencies: ["AbridgeIR", "AbridgeKernels", "AbridgeRuntime", "AbridgeData",
                                                            .product(name: "Logging", package: "swift-log")]),
        .target(name: "AbridgeValidation", dependencies: ["AbridgeIR", "AbridgeRuntime", "AbridgeData",
                                                          .product(name: "Logging", package: "swift-log")]),
        .target(name: "AbridgeCLI", dependencies: ["AbridgeIR", "AbridgeONNX", "AbridgeData", "AbridgeRuntime",
                                                   "AbridgePasses", "AbridgeQuantization", "AbridgeValidation", "AbridgePruning",
                                                   "AbridgeSupport",
                                                   .product(name: "ArgumentParser", package: "swift-argument-parser"),
                                                   .product(name: "Logging", package: "swift-log")]),
        .executableTarget(name: "abridge", dependencies: ["AbridgeCLI"]),
        .testTarget(name: "AbridgeIRTests", dependencies: ["AbridgeIR"]),
        .testTarget(name: "AbridgeONNXTests", dependencies: ["AbridgeONNX", "AbridgeIR", "AbridgeSupport"]),
        .testTarget(name: "AbridgeKernelsTests", dependencies: ["AbridgeKernels"]),
        .testTarget(name: "AbridgeDataTests", dependencies: ["AbridgeData", "AbridgeIR"], exclude: ["Fixtures"]),
        .testTarget(name: "AbridgeRuntimeTests", dependencies: ["AbridgeRuntime", "AbridgeONNX", "AbridgeData", "AbridgeIR", "AbridgeKernels"]),
        .testTarget(name: "AbridgePruningTests", dependencies: ["AbridgePruning", "AbridgeRuntime", "AbridgeIR"]),
        .testTarget(name: "AbridgeDistillationTests", dependencies: ["AbridgeDistillation", "AbridgeRuntime", "AbridgeIR",
                                                                     "AbridgeONNX", "AbridgeData"]),
        .testTarget(name: "AbridgeValidationTests", dependencies: ["AbridgeValidation", "AbridgeRuntime", "AbridgeIR"]),
        .testTarget(name: "AbridgeQuantizationTests", dependencies: ["AbridgeQuantization", "AbridgeIR", "AbridgeRuntime", "AbridgeONNX"]),
    ]
)
