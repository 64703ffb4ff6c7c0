/// Metrics comparing an original and a converted model (the compare command).
public enum AbridgeValidation {}
