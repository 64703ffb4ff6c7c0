/// Pruning: magnitude, N:M and structured channel pruning with least-squares recovery.
public enum AbridgePruning {}
