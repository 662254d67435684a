/// Metric names shared by every EdgeMesh service. All carry the `edgemesh_` prefix.
public enum MetricName {
    public static let prefix = "edgemesh_"
}
