using System.Text;
using CsCheck;

namespace Herald.Tests.Protocol;

/// <summary>
/// Random and mutated client messages for the JSON parsers' properties: real commands and logins with escapes
/// (lone and paired surrogates, NUL, quotes), structural characters, multibyte text and truncations spliced in at
/// random places, plus raw random bytes (invalid UTF-8 included).
/// </summary>
internal static class HostileJson
{
    private static readonly string[] Seeds =
    [
        """{"uid":"123"}""",
        """{"other":{"uid":"nested"},"uid":"123","more":[1,2,{"a":null}]}""",
        """{"type":"login","uid":"u1","resume":{"user:u1":{"epoch":"x1Yq3v0Vc8k","seq":41},"broadcast":{"seq":0}}}""",
        """{"type":"subscribe","topic":"orders","resume":{"epoch":"Pz0a9dKq3Lw","seq":12}}""",
        """{"type":"unsubscribe","topic":"orders"}""",
        """{"type":"ping"}""",
        """[{"uid":"123"}]""",
        "",
    ];

    // Escapes are written as JSON text: "\\ud800" is the six characters \ud800.
    private static readonly string[] Splices =
    [
        "\\ud800", "\\udc00", "\\udbff\\udfff", "\\ud83d\\ude00", "\\ud800\\ud800", "\\u0000", "\\u00e9",
        "\\\"", "\\\\", "\\", "\"", "{", "}", "[", "]", ",", ":", "null", "true", "1e999", "-0", "0.5", "9223372036854775808",
        "\"uid\":", "\"type\":", "\"resume\":", "\"seq\":", "\"epoch\":", "\"topic\":",
        "κόσμε", "\uFFFF", "\U0010FFFF", "😀", " ", "\t", "\n",
    ];

    /// <summary>A mutation: at a fraction of the text, insert a splice, delete some characters, or cut the rest off.</summary>
    private static readonly Gen<(int Kind, int Position, int Splice, int Length)> Mutation =
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, 1000], Gen.Int[0, Splices.Length - 1], Gen.Int[1, 6]);

    public static Gen<byte[]> Messages { get; } = Gen.Frequency(
        (8, Gen.Select(Gen.OneOf(Seeds), Mutation.Array[0, 6], (seed, mutations) => Encoding.UTF8.GetBytes(Mutate(seed, mutations)))),
        (1, Gen.Byte.Array[0, 40]));

    private static string Mutate(string seed, (int Kind, int Position, int Splice, int Length)[] mutations)
    {
        var text = new StringBuilder(seed);
        foreach (var (kind, position, splice, length) in mutations)
        {
            var at = text.Length == 0 ? 0 : position % (text.Length + 1);
            switch (kind)
            {
                case 0:
                case 1:
                    text.Insert(at, Splices[splice]);
                    break;
                case 2:
                    text.Remove(at, Math.Min(length, text.Length - at));
                    break;
                default:
                    text.Length = at;
                    break;
            }
        }

        return text.ToString();
    }
}
