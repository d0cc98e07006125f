using CsCheck;
using Herald.Protocol;

namespace Herald.Tests.Protocol;

/// <summary>
/// Properties of <see cref="ClientCommandParser"/> over random and mutated herald.v1 messages (see
/// <see cref="HostileJson"/>): whatever a client sends, the parser answers with a command or with the error to
/// send back, and never throws (an exception would abort the connection without a Close).
/// </summary>
public sealed class ClientCommandParserProperties
{
    [Fact]
    public void Parse_RandomAndMutatedJson_NeverThrowsAndReturnsACommandOrAnError()
    {
        HostileJson.Messages.Sample(
            message =>
            {
                var command = ClientCommandParser.Parse(message, out var error);

                Assert.True((command is null) != (error is null), $"exactly one of a command ({command}) and an error ({error})");
                if (error is not null)
                {
                    Assert.Contains(error.Code, new[] { ClientCommandParser.InvalidCommand, ClientCommandParser.UnknownType });
                    Assert.False(string.IsNullOrEmpty(error.Message));
                }
            },
            iter: 3000,
            threads: 1,
            print: Describe);
    }

    internal static string Describe(byte[] message) => $"{System.Text.Encoding.UTF8.GetString(message)} ({Convert.ToHexString(message)})";
}
