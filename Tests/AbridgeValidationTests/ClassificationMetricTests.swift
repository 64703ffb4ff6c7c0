import Testing
@testable import AbridgeValidation

/// Accuracy and macro-F1 against scikit-learn 1.8.0 and hand calculation.
struct ClassificationMetricTests {
    static func matrix(_ labels: [Int64], _ predictions: [Int64]) -> ConfusionMatrix {
        var m = ConfusionMatrix()
        for (y, p) in zip(labels, predictions) { m.add(label: y, prediction: p) }
        return m
    }

    @Test func accuracyAndMacroF1OnASmallConfusionMatrix() throws {
        // y_true = [0,0,1,1,2,2,2], y_pred = [0,1,1,1,2,0,2]
        // By hand: F1_0 = 2*1/(2+1+1) = 0.5, F1_1 = 2*2/(4+1+0) = 0.8, F1_2 = 2*2/(4+0+1) = 0.8;
        // macro = 2.1/3 = 0.7. sklearn.metrics.f1_score(y_true, y_pred, average="macro")
        // -> 0.7000000000000001; accuracy_score -> 0.7142857142857143 (5/7).
        let m = Self.matrix([0, 0, 1, 1, 2, 2, 2], [0, 1, 1, 1, 2, 0, 2])
        #expect(m.correct == 5 && m.samples == 7)
        #expect(abs(try #require(m.accuracy.value) - 0.7142857142857143) < 1e-15)
        #expect(abs(try #require(m.macroF1.value) - 0.7) < 1e-12)
    }

    @Test func macroF1AveragesOverTheUnionOfLabelsAndPredictions() throws {
        // sklearn f1_score([0,1,2,3], [0,1,1,4], average="macro") -> 0.3333333333333333:
        // classes {0,1,2,3,4}: F1 = 1, 2/3, 0, 0, 0 (zero_division=0).
        let m = Self.matrix([0, 1, 2, 3], [0, 1, 1, 4])
        #expect(abs(try #require(m.macroF1.value) - 1.0 / 3.0) < 1e-12)
        #expect(m.accuracy.value == 0.5)
    }

    @Test func perfectPredictionsGiveOne() {
        let m = Self.matrix([3, 1, 2], [3, 1, 2])
        #expect(m.accuracy.value == 1)
        #expect(m.macroF1.value == 1)
    }

    @Test func noSamplesIsUndefinedWithAReason() {
        let m = ConfusionMatrix()
        #expect(m.accuracy.value == nil && m.accuracy.reason == "no samples")
        #expect(m.macroF1.value == nil)
    }
}
