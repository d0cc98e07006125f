using CsCheck;

namespace Herald.Tests.Infrastructure;

/// <summary>
/// Generators of client JSON for property tests of the parsers: well-formed commands whose strings are full of
/// escapes (lone surrogates, reversed pairs, controls), and soups of JSON tokens that are mostly not JSON.
/// </summary>
public static class HostileJson
{
    /// <summary>The text of a JSON string (between its quotes), mixing plain text with every kind of escape.</summary>
    public static readonly Gen<string> StringText = Gen.OneOf(
            Gen.Const(@"\ud800"), Gen.Const(@"\udc00"), Gen.Const(@"\udbff"), Gen.Const(@"\udfff"), Gen.Const(@"\ud83d\ude00"),
            Gen.Const(@"\ude00\ud83d"), Gen.Const(@"\u0000"), Gen.Const(@"\n"), Gen.Const(@"\\"), Gen.Const(@"\"""),
            Gen.Const(@"\u0075id"), Gen.Const("user:a"), Gen.Const("login"), Gen.Const("a"), Gen.Const("é"), Gen.Const(""))
        .Array[0, 4]
        .Select(parts => string.Concat(parts));

    /// <summary>A herald.v1 command or a seed login, shaped right, with random strings in every place.</summary>
    public static readonly Gen<string> Commands = Gen.Select(
        Gen.OneOf(Gen.Const("login"), Gen.Const("subscribe"), Gen.Const("unsubscribe"), Gen.Const("ping"), StringText),
        StringText,
        StringText,
        StringText,
        Gen.Int[0, 5],
        (type, name, value, epoch, shape) => shape switch
        {
            0 => $$$$"""{"type":"{{{{type}}}}","uid":"{{{{value}}}}"}""",
            1 => $$$$"""{"type":"{{{{type}}}}","uid":"a","resume":{"{{{{name}}}}":{"epoch":"{{{{epoch}}}}","seq":1}}}""",
            2 => $$$$"""{"type":"{{{{type}}}}","topic":"{{{{value}}}}","resume":{"epoch":"{{{{epoch}}}}","seq":2}}""",
            3 => $$$$"""{"{{{{name}}}}":"{{{{value}}}}","type":"{{{{type}}}}","{{{{epoch}}}}":1}""",
            4 => $$$$"""{"uid":"{{{{value}}}}","{{{{name}}}}":{"uid":"{{{{epoch}}}}"}}""",
            _ => $$$$"""{"type":"{{{{type}}}}","uid":"{{{{value}}}}","uid":"{{{{epoch}}}}","{{{{name}}}}":[]}""",
        });

    /// <summary>Up to 40 JSON tokens and fragments in any order.</summary>
    public static readonly Gen<string> TokenSoup = Gen.OneOf(
            Gen.Const("{"), Gen.Const("}"), Gen.Const("["), Gen.Const("]"), Gen.Const(":"), Gen.Const(","), Gen.Const("\""),
            Gen.Const("\"type\""), Gen.Const("\"uid\""), Gen.Const("\"topic\""), Gen.Const("\"resume\""), Gen.Const("\"epoch\""),
            Gen.Const("\"seq\""), Gen.Const("\"login\""), Gen.Const("\"subscribe\""), Gen.Const("0"), Gen.Const("-1"),
            Gen.Const("null"), Gen.Const("true"), Gen.Const(" "), StringText.Select(t => $"\"{t}\""))
        .Array[0, 40]
        .Select(parts => string.Concat(parts));
}
