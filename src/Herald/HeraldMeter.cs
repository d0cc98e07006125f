namespace Herald;

/// <summary>Herald's <see cref="System.Diagnostics.Metrics.Meter"/>, for an app's metrics exporter: <c>.AddMeter(HeraldMeter.Name)</c> (docs/operations.md lists its instruments).</summary>
public static class HeraldMeter
{
    /// <summary>The meter's name.</summary>
    public const string Name = "Herald";
}
