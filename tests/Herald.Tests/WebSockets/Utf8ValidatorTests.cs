using System.Text.Unicode;
using CsCheck;
using Herald.WebSockets;

namespace Herald.Tests.WebSockets;

public sealed class Utf8ValidatorTests
{
    [Theory]
    [InlineData("")]
    [InlineData("68656C6C6F")]
    [InlineData("C2A9")]
    [InlineData("E282AC")]
    [InlineData("EFBFBF")]
    [InlineData("F09F9880")]
    [InlineData("F48FBFBF")]
    [InlineData("CEBAE1BDB9CF83CEBCCEB5")]
    public void TryAppend_WellFormed_IsValidWhateverTheSplit(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        for (var split = 0; split <= bytes.Length; split++)
        {
            var validator = default(Utf8Validator);

            Assert.True(validator.TryAppend(bytes.AsSpan(0, split)), $"first {split} bytes");
            Assert.True(validator.TryAppend(bytes.AsSpan(split)), $"after {split} bytes");
            Assert.True(validator.IsComplete);
        }
    }

    [Theory]
    [InlineData("C080")]
    [InlineData("C1BF")]
    [InlineData("E080AF")]
    [InlineData("EDA080")]
    [InlineData("EDBFBF")]
    [InlineData("F08F8080")]
    [InlineData("F4908080")]
    [InlineData("F5808080")]
    [InlineData("80")]
    [InlineData("BF")]
    [InlineData("FE")]
    [InlineData("FF")]
    [InlineData("E282E282AC")]
    [InlineData("61C3")]
    public void TryAppend_IllFormedOrCutOff_IsNeverValidAndComplete(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        var validator = default(Utf8Validator);

        var valid = validator.TryAppend(bytes) && validator.IsComplete;

        Assert.False(valid);
    }

    [Theory]
    [InlineData("61F0")]
    [InlineData("E282")]
    [InlineData("F09F98")]
    public void TryAppend_CodePointCutOffAtTheEnd_IsValidButNotComplete(string hex)
    {
        var validator = default(Utf8Validator);

        Assert.True(validator.TryAppend(Convert.FromHexString(hex)));
        Assert.False(validator.IsComplete);
    }

    [Fact]
    public void TryAppend_BadByteAfterALongValidRun_FailsWithoutRescanningTheRun()
    {
        // 1 MiB of two-byte code points, then a stray continuation byte: one pass, not one pass per code point.
        var bytes = new byte[1024 * 1024 + 1];
        for (var i = 0; i + 1 < bytes.Length; i += 2)
        {
            (bytes[i], bytes[i + 1]) = (0xC3, 0xA9);
        }

        bytes[^1] = 0x80;
        var validator = default(Utf8Validator);

        Assert.False(validator.TryAppend(bytes));
    }

    [Fact]
    public void TryAppend_RandomBytesSplitAnywhere_AgreesWithTheBclOnTheWhole()
    {
        var pieces = Gen.Select(Gen.Byte.Array[0, 40], Gen.Int[0, 40], Gen.Int[0, 40]);
        Gen.OneOf(pieces, Gen.String.Select(text => System.Text.Encoding.UTF8.GetBytes(text)).Select(Gen.Int[0, 40], Gen.Int[0, 40]))
            .Sample(sample =>
            {
                var (bytes, first, second) = sample;
                var cuts = new[] { Math.Min(first, bytes.Length), Math.Min(second, bytes.Length) }.Order().ToArray();
                var validator = default(Utf8Validator);
                var valid = validator.TryAppend(bytes.AsSpan(0, cuts[0]))
                    && validator.TryAppend(bytes.AsSpan(cuts[0], cuts[1] - cuts[0]))
                    && validator.TryAppend(bytes.AsSpan(cuts[1]))
                    && validator.IsComplete;
                return valid == Utf8.IsValid(bytes);
            }, iter: 20_000);
    }
}
