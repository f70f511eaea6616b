/// Flatline's version, printed by `flatline --version`. Raised with each release; the JSON report's
/// `schemaVersion` is versioned on its own (docs/json-contract.md).
public enum FlatlineVersion {
  public static let string = "0.1.0"
}
