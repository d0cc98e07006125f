namespace Herald.Bench.Measure;

/// <summary>Rounding for printed figures: enough digits to compare runs, no false precision.</summary>
internal static class Round
{
    public static double To1(double value) => Math.Round(value, 1, MidpointRounding.AwayFromZero);

    public static double To3(double value) => Math.Round(value, 3, MidpointRounding.AwayFromZero);
}
