namespace Herald.Tests.WebSockets.Conformance;

/// <summary>
/// Hostile JSON in the seed login (docs/protocol.md, "Logging in"). A lone surrogate escape (<c>\ud800</c>,
/// <c>\udc00</c>) is valid JSON syntax (RFC 8259 §8.2) but no text: as a uid it is unusable, so it gets the
/// close of every invalid login, 4000 (<c>HeraldCloseCodes.InvalidLogin</c>); elsewhere it is ignored like any
/// other property. A valid surrogate pair is a character like any other.
/// </summary>
public static class SeedJsonCases
{
    private const int InvalidLogin = 4000;

    public static IEnumerable<ConformanceCase> All()
    {
        yield return Login("J.1", "seed login whose uid is a lone high surrogate", """{"uid":"\ud800"}""", Expectation.Closes(InvalidLogin));
        yield return Login("J.2", "seed login whose uid is a lone low surrogate", """{"uid":"\udc00"}""", Expectation.Closes(InvalidLogin));
        yield return Login("J.3", "seed login whose uid holds a lone surrogate between letters", """{"uid":"a\ud800b"}""", Expectation.Closes(InvalidLogin));
        yield return Login("J.4", "seed login whose uid has a high surrogate followed by a second high one", """{"uid":"\ud800\ud800"}""", Expectation.Closes(InvalidLogin));
        yield return Login(
            "J.5", "seed login whose uid is a valid surrogate pair escape", """{"uid":"uJ.5\ud83d\ude00"}""", Expectation.LoginAccepted("uJ.5\U0001F600"));
        yield return Login(
            "J.6", "seed login after a property whose name is a lone surrogate", """{"\ud800":"x","uid":"uJ.6"}""", Expectation.LoginAccepted("uJ.6"));
        yield return Login(
            "J.7", "seed login after a property whose value is a lone surrogate", """{"other":"\udc00","uid":"uJ.7"}""", Expectation.LoginAccepted("uJ.7"));
    }

    private static ConformanceCase Login(string id, string description, string json, Expectation expect) =>
        ConformanceCase.Of(id, description, expect, WireFrame.Text(json));
}
