using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Unicode;

namespace Herald.Protocol;

/// <summary>
/// Reads the JSON strings a client sends without letting one throw past its parser. JSON's grammar allows an
/// escaped half of a surrogate pair (<c>"\ud800"</c>, <c>"\udc00"</c>), which no valid UTF-16 string can hold:
/// System.Text.Json reports it by throwing <see cref="InvalidOperationException"/> from <c>GetString</c> (and from
/// <c>ValueTextEquals</c> on a property name), not <see cref="JsonException"/>. Every parser of client messages
/// reads strings here and treats such a string as an unusable value of its field.
/// </summary>
internal static class JsonStrings
{
    /// <summary>What is wrong with a string that escapes half a surrogate pair.</summary>
    public const string LoneSurrogate = "is not valid UTF-16: lone surrogate";

    /// <summary>What is wrong with a string whose bytes are not UTF-8 (a WebSocket text message never is; a caller's buffer may be).</summary>
    public const string InvalidUtf8 = "is not valid UTF-8";

    /// <summary>Reads the string token the reader is on.</summary>
    /// <returns>Null with the text in <paramref name="value"/>; else <see cref="LoneSurrogate"/> or <see cref="InvalidUtf8"/>.</returns>
    public static string? TryGetString(ref Utf8JsonReader reader, out string? value)
    {
        try
        {
            value = reader.GetString();
            return null;
        }
        catch (InvalidOperationException) when (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName)
        {
            value = null;
            return Describe(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan);
        }
    }

    /// <summary>Reads a string element.</summary>
    /// <returns>Null with the text in <paramref name="value"/>; else <see cref="LoneSurrogate"/> or <see cref="InvalidUtf8"/>.</returns>
    public static string? TryGetString(JsonElement element, out string? value)
    {
        try
        {
            value = element.GetString();
            return null;
        }
        catch (InvalidOperationException) when (element.ValueKind == JsonValueKind.String)
        {
            value = null;
            return Describe(JsonMarshal.GetRawUtf8Value(element));
        }
    }

    /// <summary>Reads a property's name.</summary>
    /// <returns>Null with the name in <paramref name="name"/>; else <see cref="LoneSurrogate"/> or <see cref="InvalidUtf8"/>.</returns>
    public static string? TryGetName(JsonProperty property, out string? name)
    {
        try
        {
            name = property.Name;
            return null;
        }
        catch (InvalidOperationException)
        {
            name = null;
            return Describe(JsonMarshal.GetRawUtf8PropertyName(property));
        }
    }

    /// <summary>
    /// Whether the string or property name the reader is on is <paramref name="utf8"/> once unescaped. A name that
    /// cannot be unescaped (a lone surrogate) equals no text, instead of throwing.
    /// </summary>
    public static bool ValueTextEquals(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8)
    {
        try
        {
            return reader.ValueTextEquals(utf8);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>
    /// <see cref="JsonElement.TryGetProperty(ReadOnlySpan{byte}, out JsonElement)"/> without its throw: that one
    /// unescapes every escaped name it passes and throws on a lone surrogate in any of them, even one it was not
    /// looking for. As it does, the last property of that name wins.
    /// </summary>
    public static bool TryGetProperty(JsonElement element, ReadOnlySpan<byte> utf8Name, out JsonElement value)
    {
        value = default;
        var found = false;
        foreach (var property in element.EnumerateObject())
        {
            if (NameEquals(property, utf8Name))
            {
                value = property.Value;
                found = true;
            }
        }

        return found;
    }

    private static bool NameEquals(JsonProperty property, ReadOnlySpan<byte> utf8Name)
    {
        try
        {
            return property.NameEquals(utf8Name);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static string Describe(ReadOnlySpan<byte> raw) => Utf8.IsValid(raw) ? LoneSurrogate : InvalidUtf8;
}
