using CsCheck;
using Herald.Connections;
using Herald.Tests.Protocol;

namespace Herald.Tests.Connections;

/// <summary>
/// Properties of <see cref="LoginMessage.Parse"/> over random and mutated seed logins (see <see cref="HostileJson"/>):
/// any text message is a login, an invalid login or no login, and the parser never throws (an exception would
/// abort the connection without a Close).
/// </summary>
public sealed class LoginMessageProperties
{
    [Fact]
    public void Parse_RandomAndMutatedJson_NeverThrowsAndReturnsAConsistentOutcome()
    {
        HostileJson.Messages.Sample(
            message =>
            {
                var outcome = LoginMessage.Parse(message, HeraldOptions.DefaultMaxUserIdLength, out var userId, out var error);

                switch (outcome)
                {
                    case LoginParseOutcome.Valid:
                        Assert.False(string.IsNullOrEmpty(userId));
                        Assert.Null(error);
                        break;
                    case LoginParseOutcome.Invalid:
                        Assert.Null(userId);
                        Assert.False(string.IsNullOrEmpty(error));
                        break;
                    default:
                        Assert.Null(userId);
                        Assert.Null(error);
                        break;
                }
            },
            iter: 3000,
            threads: 1,
            print: ClientCommandParserProperties.Describe);
    }
}
